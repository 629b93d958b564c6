rootProject.name = "search"
