"""Java recipe: Maven or Gradle (wrapper or image-provided) builder, JRE runtime."""

from __future__ import annotations

from rewriter.scaffold.model import Project
from rewriter.scaffold.recipes.common import (
    APP_USER,
    DISTROLESS_USER,
    USER_SETUP,
    copy_lines,
    header,
    start_lines,
)
from rewriter.scaffold.render import render_template

JDK_IMAGE = "eclipse-temurin:${JAVA_VERSION}-jdk"
MAVEN_IMAGE = "maven:3.9-eclipse-temurin-${JAVA_VERSION}"
GRADLE_IMAGE = "gradle:8-jdk${JAVA_VERSION}"
# Jars a build makes beside the executable one.
_NOT_THE_APP = ("*-plain.jar", "*-sources.jar", "*-javadoc.jar", "*-tests.jar", "original-*.jar")


def copy_jar_command(artifact: str) -> str:
    """Shell that puts the application jar at /out/app.jar (a find when the name is a glob)."""
    if "*" not in artifact:
        return f"cp {artifact} /out/app.jar"
    folder = artifact.rsplit("/", 1)[0]
    excluded = [f"! -name '{pattern}'" for pattern in _NOT_THE_APP]
    return (
        f"find {folder} -maxdepth 1 -name '*.jar' \\\n"
        f"       {' '.join(excluded[:3])} \\\n"
        f"       {' '.join(excluded[3:])} -exec cp {{}} /out/app.jar \\;"
    )


def runtime_stage(project: Project) -> str:
    major = project.version.split(".")[0]
    runtime = project.runtime
    if runtime == "distroless":
        image, setup = f"gcr.io/distroless/java{major}-debian12:nonroot", ""
        user, user_comment = DISTROLESS_USER
    else:
        suffix = "-alpine" if runtime == "alpine" else ""
        image = f"eclipse-temurin:${{JAVA_VERSION}}-jre{suffix}"
        setup = USER_SETUP["alpine" if runtime == "alpine" else "debian"]
        user, user_comment = APP_USER
    return render_template(
        "java-runtime.part",
        {
            "runtime_image": image,
            "user_setup": setup,
            "user": user,
            "user_comment": user_comment,
            "port": project.port,
            "start": start_lines(project, [], ["java", "-jar", "/app/app.jar"]),
        },
    ).rstrip("\n")


def java_recipe(project: Project) -> tuple[str, dict[str, object]]:
    maven = project.package_manager == "maven"
    if maven:
        tool = "sh ./mvnw" if project.wrapper else "mvn"
        builder = JDK_IMAGE if project.wrapper else MAVEN_IMAGE
        label = "Maven wrapper" if project.wrapper else "Maven"
    else:
        tool = "sh ./gradlew" if project.wrapper else "gradle"
        builder = JDK_IMAGE if project.wrapper else GRADLE_IMAGE
        label = "Gradle wrapper" if project.wrapper else "Gradle"
    details = f"{label}, Java {project.version}, {project.runtime} runtime"
    values: dict[str, object] = {
        "header": header(project, details),
        "version": project.version,
        "builder_image": builder,
        "warm_up": not project.multi_module,
        "copy_manifests": copy_lines(project.manifests, project.root),
        "maven": tool,
        "gradle": tool,
        "copy_jar": copy_jar_command(project.artifact),
        "runtime_stage": runtime_stage(project),
    }
    return ("java-maven.Dockerfile" if maven else "java-gradle.Dockerfile"), values
