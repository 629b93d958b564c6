"""``dfopt new java --runtime jlink``: a jre stage runs jdeps + jlink, copied onto a small base.

Hadolint, the Go parser and dfopt's own rules cover the jlink variants through the shared matrix
(``scaffold_variants``); the BuildKit test builds one on the stand-ins. These tests pin what the
recipe decides per Java release and what the stages must look like.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from rewriter.scaffold.command import new_command
from rewriter.scaffold.model import Notes, Project, ScaffoldError
from rewriter.scaffold.options import Overrides, apply_overrides
from rewriter.scaffold.recipes import recipe_for
from rewriter.scaffold.recipes.java import JLINK_BASE_MODULES, jlink_values
from rewriter.scaffold.render import render_template
from tests.scaffold_variants import write_tree

POM = """<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId>
<artifactId>demo</artifactId><version>1.0</version>
<properties><maven.compiler.release>21</maven.compiler.release></properties></project>"""


def _project(tmp_path, version: str = "21", manager: str = "maven") -> Project:
    return Project(
        lang="java", root=tmp_path, package_manager=manager, version=version,
        manifests=["pom.xml"], artifact="target/demo-1.0.jar", runtime="jlink",
        command=["java", "-jar", "/app/app.jar"], port=8080,
    )  # fmt: skip


def _render(project: Project) -> str:
    template, values = recipe_for(project)
    return render_template(template, values)


def _stages(text: str) -> dict[str, str]:
    """Stage name -> its text, from each FROM up to the next."""
    parts = re.split(r"^(?=FROM )", text, flags=re.MULTILINE)[1:]
    return {re.search(r" AS (\S+)", part.splitlines()[0]).group(1): part for part in parts}


@pytest.mark.parametrize(
    ("version", "release", "compress", "ec"),
    [("17", "17", "2", True), ("21.0.3", "21", "zip-6", True), ("25", "25", "zip-6", False)],
)
def test_jlink_flags_follow_the_java_release(tmp_path, version, release, compress, ec):
    values = jlink_values(_project(tmp_path, version))
    assert values["release"] == release and values["compress"] == compress
    modules = values["jlink_modules"].split(",")
    assert set(JLINK_BASE_MODULES) <= set(modules)
    assert ("jdk.crypto.ec" in modules) is ec


@pytest.mark.parametrize("version", ["8", "1.8", "latest"])
def test_jlink_refuses_a_java_without_jdeps_module_output(tmp_path, version):
    with pytest.raises(ScaffoldError, match="Java 11 or later"):
        jlink_values(_project(tmp_path, version))


@pytest.mark.parametrize("manager", ["maven", "gradle"])
def test_jre_stage_links_the_built_jar_and_the_runtime_copies_only_its_output(tmp_path, manager):
    stages = _stages(_render(_project(tmp_path, manager=manager)))
    assert list(stages) == ["build", "jre", "runtime"]
    jre, runtime = stages["jre"], stages["runtime"]
    assert jre.startswith("FROM eclipse-temurin:${JAVA_VERSION}-jdk AS jre")
    assert "--mount=type=bind,from=build,source=/out/app.jar,target=/tmp/app.jar" in jre
    assert "--print-module-deps --multi-release 21 /tmp/app.jar" in jre
    assert '--add-modules "${JLINK_MODULES},$(cat /tmp/jdeps-modules)"' in jre
    for flag in ("--strip-debug", "--no-man-pages", "--no-header-files", "--output /opt/jre"):
        assert flag in jre
    assert runtime.startswith("FROM debian:bookworm-slim AS runtime")
    assert "COPY --from=jre /opt/jre /opt/jre" in runtime
    assert "PATH=/opt/jre/bin:$PATH" in runtime and "-jdk" not in runtime
    assert runtime.rstrip().endswith('ENTRYPOINT ["java", "-jar", "/app/app.jar"]')


def test_jlink_output_is_not_inside_the_jdk_images_own_java_home(tmp_path):
    """eclipse-temurin keeps its JDK in /opt/java/openjdk, and jlink refuses an existing output
    folder: writing to /opt/java failed the build (found by the BuildKit stand-in test)."""
    jre = _stages(_render(_project(tmp_path)))["jre"]
    output = re.search(r"--output (\S+)", jre).group(1)
    assert output == "/opt/jre"
    assert not "/opt/java/openjdk".startswith(output.rstrip("/"))


@pytest.mark.parametrize("lang", ["node", "python", "go"])
def test_jlink_runtime_is_offered_for_java_only(tmp_path, lang):
    project = Project(lang=lang, root=tmp_path, package_manager="x", version="1")
    with pytest.raises(ScaffoldError, match="--runtime jlink is for Java only"):
        apply_overrides(project, Overrides(runtime="jlink"))
    java = Project(lang="java", root=tmp_path, package_manager="maven", version="21", notes=Notes())
    assert apply_overrides(java, Overrides(runtime="JLink")).runtime == "jlink"


def test_command_writes_the_jlink_variant(tmp_path):
    write_tree(tmp_path, {"pom.xml": POM})
    result = CliRunner().invoke(
        new_command, ["java", "--path", str(tmp_path), "--runtime", "jlink", "--stdout"]
    )
    assert result.exit_code == 0, result.output
    assert "# Java (Maven, Java 21, jlink runtime)" in result.stdout
    assert "jlink --add-modules" in result.stdout and not (tmp_path / "Dockerfile").exists()
    refused = CliRunner().invoke(
        new_command, ["node", "--path", str(tmp_path), "--runtime", "jlink"]
    )
    assert refused.exit_code == 2 and "Java only" in refused.stderr
