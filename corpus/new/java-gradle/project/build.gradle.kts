plugins {
    java
    application
}

group = "com.acme"
version = "0.7.1"

java {
    toolchain {
        languageVersion = JavaLanguageVersion.of(21)
    }
}

application {
    mainClass = "com.acme.search.Main"
}

tasks.jar {
    manifest { attributes["Main-Class"] = "com.acme.search.Main" }
}
