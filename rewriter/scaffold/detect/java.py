"""Java signals: Maven or Gradle (wrapper or not), Java release, jar name, server port."""

from __future__ import annotations

import re
from pathlib import Path

from rewriter.scaffold.detect.common import choose_port, shared_port_signals
from rewriter.scaffold.detect.files import existing, parse_port, read_properties, read_text
from rewriter.scaffold.model import DEFAULT_PORTS, DEFAULT_VERSIONS, Notes, Project

GRADLE_SCRIPTS = ("build.gradle.kts", "build.gradle")
GRADLE_SETTINGS = ("settings.gradle.kts", "settings.gradle")


def detect_build_tool(root: Path, notes: Notes) -> str:
    """maven for a pom.xml, gradle for Gradle scripts; both present warns and picks maven."""
    maven = (root / "pom.xml").is_file()
    gradle = any((root / name).is_file() for name in GRADLE_SCRIPTS + GRADLE_SETTINGS)
    if maven and gradle:
        notes.warn("both pom.xml and a Gradle build: using maven; pass --package-manager gradle")
    if maven or not gradle:
        if not maven:
            notes.warn("no pom.xml or build.gradle: using maven; the Dockerfile expects a pom.xml")
        return "maven"
    return "gradle"


def _normalise_java(value: str) -> str | None:
    """ "1.8" -> "8", "17" -> "17", "${java.version}" -> None."""
    value = value.strip().strip("'\"")
    match = re.fullmatch(r"(?:1\.)?(\d+)", value)
    return match.group(1) if match else None


class Pom:
    """The few parts of a pom.xml that matter here, read with namespace-agnostic ElementTree."""

    def __init__(self, text: str) -> None:
        import xml.etree.ElementTree as ET

        try:
            self.root: ET.Element | None = ET.fromstring(text)
        except ET.ParseError:
            self.root = None

    def find(self, path: str) -> str | None:
        if self.root is None:
            return None
        node = self.root.find("/".join(f"{{*}}{part}" for part in path.split("/")))
        if node is None:
            # POMs without a namespace declaration.
            node = self.root.find(path)
        return node.text.strip() if node is not None and node.text else None

    def properties(self) -> dict[str, str]:
        result: dict[str, str] = {}
        if self.root is None:
            return result
        for props in self.root.iter():
            if props.tag.rsplit("}", 1)[-1] == "properties":
                for child in props:
                    result[child.tag.rsplit("}", 1)[-1]] = (child.text or "").strip()
        return result

    def resolve(self, value: str | None) -> str | None:
        """Expand ``${prop}`` and ``${project.version}``; None when something stays unresolved."""
        if value is None:
            return None
        props = self.properties()
        props.setdefault(
            "project.version", self.find("version") or self.find("parent/version") or ""
        )
        props.setdefault("project.artifactId", self.find("artifactId") or "")
        for _ in range(5):
            value = re.sub(r"\$\{([^}]+)\}", lambda m: props.get(m.group(1), m.group(0)), value)
        return None if "${" in value or not value else value


def maven_java_version(pom: Pom) -> str | None:
    props = pom.properties()
    for key in ("maven.compiler.release", "java.version", "maven.compiler.target",
                "maven.compiler.source"):  # fmt: skip
        if key in props:
            version = _normalise_java(pom.resolve(props[key]) or "")
            if version:
                return version
    if pom.root is not None:
        for node in pom.root.iter():
            if node.tag.rsplit("}", 1)[-1] == "release" and node.text:
                version = _normalise_java(pom.resolve(node.text) or "")
                if version:
                    return version
    return None


def gradle_java_version(text: str) -> str | None:
    """toolchain ``languageVersion``, ``jvmToolchain(17)``, or ``sourceCompatibility``."""
    for pattern in (
        r"JavaLanguageVersion\.of\(\s*[\"']?(\d+)",
        r"jvmToolchain\(\s*(\d+)",
        r"sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_(?:1_)?(\d+)|[\"']?(?:1\.)?(\d+))",
    ):
        match = re.search(pattern, text)
        if match:
            return next(group for group in match.groups() if group)
    return None


def maven_artifact(pom: Pom, notes: Notes) -> str:
    """``target/<finalName or artifactId-version>.jar``; a glob with a warning when unresolved."""
    packaging = pom.find("packaging") or "jar"
    if packaging not in ("jar", "pom"):
        notes.warn(f"pom.xml packaging is {packaging}: the runtime expects an executable jar")
    name = pom.resolve(pom.find("build/finalName"))
    if name is None:
        artifact, version = pom.resolve(pom.find("artifactId")), pom.resolve(
            pom.find("version") or pom.find("parent/version")
        )
        name = f"{artifact}-{version}" if artifact and version else None
    if name is None:
        notes.warn("cannot work out the jar name from pom.xml: copying target/*.jar")
        return "target/*.jar"
    return f"target/{name}.jar"


def gradle_artifact(root: Path, build_text: str, notes: Notes) -> str:
    """``build/libs/<rootProject.name>-<version>.jar`` from settings, build script, properties."""
    settings = "".join(read_text(root / name) or "" for name in GRADLE_SETTINGS)
    match = re.search(r"rootProject\.name\s*=\s*[\"']([^\"']+)", settings)
    name = match.group(1) if match else root.resolve().name
    match = re.search(r"^\s*version\s*=\s*[\"']([^\"']+)", build_text, re.MULTILINE)
    version = (
        match.group(1) if match else read_properties(root / "gradle.properties").get("version")
    )
    if not version or "$" in version:
        notes.warn("cannot work out the Gradle version: copying build/libs/*.jar")
        return "build/libs/*.jar"
    return f"build/libs/{name}-{version}.jar"


def spring_port(root: Path) -> int | None:
    """``server.port`` in application.properties / application.yml (Spring Boot, Micronaut)."""
    resources = root / "src" / "main" / "resources"
    port = parse_port(read_properties(resources / "application.properties").get("server.port", ""))
    if port:
        return port
    for name in ("application.yml", "application.yaml"):
        text = read_text(resources / name) or ""
        match = re.search(r"^server:\s*\n(?:\s+.*\n)*?\s+port:\s*(\d+)", text, re.MULTILINE)
        if match:
            return parse_port(match.group(1))
    return None


def detect_java(root: Path, notes: Notes, forced_manager: str | None = None) -> Project:
    tool = forced_manager or detect_build_tool(root, notes)
    if tool == "maven":
        pom = Pom(read_text(root / "pom.xml") or "<project/>")
        version = maven_java_version(pom)
        multi = pom.root is not None and pom.find("modules/module") is not None
        artifact = "target/*.jar" if multi else maven_artifact(pom, notes)
        wrapper = (root / "mvnw").is_file()
        manifests = existing(root, "pom.xml", "mvnw", ".mvn") or ["pom.xml"]
    else:
        build_text = "".join(read_text(root / name) or "" for name in GRADLE_SCRIPTS)
        settings = "".join(read_text(root / name) or "" for name in GRADLE_SETTINGS)
        version = gradle_java_version(build_text)
        multi = bool(re.search(r"^\s*include\b", settings, re.MULTILINE))
        artifact = "build/libs/*.jar" if multi else gradle_artifact(root, build_text, notes)
        wrapper = (root / "gradlew").is_file()
        manifests = existing(
            root, *GRADLE_SETTINGS, *GRADLE_SCRIPTS, "gradle.properties", "gradlew", "gradle"
        )
    if multi:
        notes.warn(
            "multi-module build: dependencies are fetched with the sources, and the runtime "
            "copies the one executable jar found; check the COPY of the jar"
        )
    if version is None:
        version = DEFAULT_VERSIONS["java"]
        notes.warn(
            f"no Java release declared (compiler release, toolchain): using {version}", "version"
        )
    signals = shared_port_signals(root)
    port = spring_port(root)
    if port is not None:
        signals.insert(0, ("application properties server.port", port))
    chosen, declared = choose_port(signals, DEFAULT_PORTS["java"], notes)
    return Project(
        lang="java",
        root=root,
        package_manager=tool,
        version=version,
        manifests=manifests,
        wrapper=wrapper,
        artifact=artifact,
        multi_module=multi,
        command=["java", "-jar", "/app/app.jar"],
        port=chosen,
        port_declared=declared,
        notes=notes,
    )
