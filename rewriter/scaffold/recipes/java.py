"""Java recipe: Maven or Gradle (wrapper or image-provided) builder; a JRE runtime, or a runtime
made by jlink from the JDK with only the modules the app needs (``--runtime jlink``)."""

from __future__ import annotations

from rewriter.scaffold.model import Project, ScaffoldError
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


# Modules jdeps cannot find in the jar: frameworks load them by reflection or as services (JNDI,
# JMX, instrumentation agents, JDBC, the HTTP client, Kerberos, zip file systems), or use them
# from jars nested in a Spring Boot jar, which jdeps does not open (java.beans in java.desktop).
JLINK_BASE_MODULES = (
    "java.desktop",
    "java.instrument",
    "java.logging",
    "java.management",
    "java.naming",
    "java.net.http",
    "java.security.jgss",
    "java.sql",
    "jdk.unsupported",
    "jdk.zipfs",
)
# The elliptic-curve TLS provider was its own module up to Java 21 (part of java.base since 22).
JLINK_EC_MODULE = "jdk.crypto.ec"
JLINK_RUNTIME_IMAGE = "debian:bookworm-slim"


def _release(version: str) -> int | None:
    """The Java feature release of a version string ("21" / "21.0.3" -> 21; "1.8" -> 8)."""
    parts = version.split(".")
    head = parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0]
    return int(head) if head.isdigit() else None


def jlink_values(project: Project) -> dict[str, object]:
    """Values for ``java-jlink.part``: the module list and the flags this Java release takes."""
    release = _release(project.version)
    if release is None or release < 11:
        raise ScaffoldError(
            f"--runtime jlink needs Java 11 or later (jdeps --print-module-deps), not "
            f"{project.version!r}: pass --version"
        )
    modules = list(JLINK_BASE_MODULES)
    if release <= 21:
        modules.append(JLINK_EC_MODULE)
    return {
        "jdk_image": JDK_IMAGE,
        "jlink_modules": ",".join(sorted(modules)),
        "release": str(release),
        # Java 21 renamed the compression levels; the numbered ones are deprecated there.
        "compress": "zip-6" if release >= 21 else "2",
        "runtime_image": JLINK_RUNTIME_IMAGE,
        "user_setup": USER_SETUP["debian"],
        "user": APP_USER[0],
        "user_comment": APP_USER[1],
        "port": project.port,
        "start": start_lines(project, [], ["java", "-jar", "/app/app.jar"]),
    }


def runtime_stage(project: Project) -> str:
    major = project.version.split(".")[0]
    runtime = project.runtime
    if runtime == "jlink":
        return render_template("java-jlink.part", jlink_values(project)).rstrip("\n")
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
