"""Go and Java detection, and choosing the language of a folder."""

from __future__ import annotations

import pytest

from rewriter.scaffold.detect.go import detect_go
from rewriter.scaffold.detect.java import detect_java, gradle_java_version
from rewriter.scaffold.detect.language import detect_language
from rewriter.scaffold.model import Notes, ScaffoldError
from tests.scaffold_variants import write_tree

MAIN = 'package main\n\nfunc main() { http.ListenAndServe(":9090", nil) }\n'


def go(tmp_path, files):
    write_tree(tmp_path, files)
    notes = Notes()
    return detect_go(tmp_path, notes), notes


def java(tmp_path, files):
    write_tree(tmp_path, files)
    notes = Notes()
    return detect_java(tmp_path, notes), notes


def pom(body: str) -> str:
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0">'
        "<artifactId>shop</artifactId><version>2.1.0</version>" + body + "</project>"
    )


# ---- Go


def test_go_directive_is_the_version(tmp_path):
    project, _ = go(tmp_path, {"go.mod": "module example.com/x\n\ngo 1.22\n", "main.go": MAIN})
    assert project.version == "1.22"


def test_toolchain_directive_wins_over_go(tmp_path):
    project, _ = go(
        tmp_path, {"go.mod": "module x\ngo 1.22\ntoolchain go1.22.5\n", "main.go": MAIN}
    )
    assert project.version == "1.22.5"


def test_missing_go_mod_warns_and_still_copies_it(tmp_path):
    project, notes = go(tmp_path, {"main.go": MAIN})
    assert project.manifests == ["go.mod"]
    assert any("no go.mod" in w for w in notes.warnings)


def test_go_sum_and_work_files_are_manifests_when_present(tmp_path):
    project, _ = go(tmp_path, {"go.mod": "module x\ngo 1.23\n", "go.sum": "", "main.go": MAIN})
    assert project.manifests == ["go.mod", "go.sum"]


def test_root_main_package_builds_dot_and_names_binary_after_module(tmp_path):
    project, _ = go(
        tmp_path, {"go.mod": "module github.com/acme/billing\ngo 1.23\n", "main.go": MAIN}
    )
    assert (project.main_package, project.binary) == (".", "billing")


def test_cmd_folder_named_like_the_module_is_preferred(tmp_path):
    project, notes = go(
        tmp_path,
        {
            "go.mod": "module github.com/acme/api\ngo 1.23\n",
            "cmd/admin/main.go": MAIN,
            "cmd/api/main.go": MAIN,
            "cmd/api/main_test.go": "package main\n",
        },
    )
    assert (project.main_package, project.binary) == ("./cmd/api", "api")
    assert any("several commands" in w for w in notes.warnings)


def test_no_main_package_warns(tmp_path):
    project, notes = go(tmp_path, {"go.mod": "module x\ngo 1.23\n", "lib.go": "package x\n"})
    assert project.main_package == "."
    assert any("no main package" in w for w in notes.warnings)


def test_listen_address_in_source_is_the_port(tmp_path):
    project, _ = go(tmp_path, {"go.mod": "module x\ngo 1.23\n", "main.go": MAIN})
    assert (project.port, project.port_declared) == (9090, True)


def test_go_defaults_to_distroless(tmp_path):
    project, _ = go(tmp_path, {"go.mod": "module x\ngo 1.23\n", "main.go": MAIN})
    assert project.runtime == "distroless"


# ---- Java


def test_maven_release_property_is_the_java_version(tmp_path):
    body = "<properties><maven.compiler.release>17</maven.compiler.release></properties>"
    project, _ = java(tmp_path, {"pom.xml": pom(body)})
    assert (project.package_manager, project.version) == ("maven", "17")


def test_spring_java_version_property_is_used(tmp_path):
    project, _ = java(
        tmp_path, {"pom.xml": pom("<properties><java.version>1.8</java.version></properties>")}
    )
    assert project.version == "8"


def test_maven_jar_name_from_artifact_and_version(tmp_path):
    project, _ = java(tmp_path, {"pom.xml": pom("")})
    assert project.artifact == "target/shop-2.1.0.jar"


def test_maven_final_name_with_property_is_resolved(tmp_path):
    body = "<properties><rev>9</rev></properties><build><finalName>app-${rev}</finalName></build>"
    project, _ = java(tmp_path, {"pom.xml": pom(body)})
    assert project.artifact == "target/app-9.jar"


def test_unresolvable_jar_name_warns_and_globs(tmp_path):
    project, notes = java(tmp_path, {"pom.xml": pom("").replace("2.1.0", "${revision}")})
    assert project.artifact == "target/*.jar"
    assert any("jar name" in w for w in notes.warnings)


def test_maven_wrapper_is_detected_and_copied_first(tmp_path):
    project, _ = java(tmp_path, {"pom.xml": pom(""), "mvnw": "", ".mvn/wrapper/x.properties": ""})
    assert project.wrapper
    assert project.manifests == ["pom.xml", "mvnw", ".mvn"]


def test_maven_modules_make_a_multi_module_build(tmp_path):
    project, notes = java(tmp_path, {"pom.xml": pom("<modules><module>core</module></modules>")})
    assert project.multi_module
    assert any("multi-module" in w for w in notes.warnings)


def test_gradle_toolchain_and_jar_name(tmp_path):
    project, _ = java(
        tmp_path,
        {
            "settings.gradle.kts": 'rootProject.name = "orders"\n',
            "build.gradle.kts": 'version = "0.3.0"\n'
            "java { toolchain { languageVersion = JavaLanguageVersion.of(17) } }\n",
            "gradlew": "",
            "gradle/wrapper/gradle-wrapper.properties": "",
        },
    )
    assert (project.package_manager, project.version, project.wrapper) == ("gradle", "17", True)
    assert project.artifact == "build/libs/orders-0.3.0.jar"
    assert project.manifests == ["settings.gradle.kts", "build.gradle.kts", "gradlew", "gradle"]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("sourceCompatibility = JavaVersion.VERSION_11", "11"),
        ("sourceCompatibility = '1.8'", "8"),
        ("kotlin { jvmToolchain(21) }", "21"),
    ],
)
def test_gradle_java_version_forms(script, expected):
    assert gradle_java_version(script) == expected


def test_gradle_version_from_gradle_properties(tmp_path):
    project, _ = java(
        tmp_path,
        {
            "settings.gradle": "rootProject.name = 'inv'\n",
            "build.gradle": "",
            "gradle.properties": "version=1.2\n",
        },
    )
    assert project.artifact == "build/libs/inv-1.2.jar"


def test_application_properties_server_port(tmp_path):
    project, _ = java(
        tmp_path,
        {"pom.xml": pom(""), "src/main/resources/application.properties": "server.port=8181\n"},
    )
    assert (project.port, project.port_declared) == (8181, True)


def test_application_yml_server_port(tmp_path):
    yml = "spring:\n  application:\n    name: x\nserver:\n  port: 9443\n"
    project, _ = java(tmp_path, {"pom.xml": pom(""), "src/main/resources/application.yml": yml})
    assert project.port == 9443


def test_missing_java_version_warns_and_defaults(tmp_path):
    project, notes = java(tmp_path, {"pom.xml": pom("")})
    assert project.version == "21"
    assert any("no Java release declared" in w for w in notes.warnings)


def test_pom_and_gradle_both_present_warn(tmp_path):
    project, notes = java(tmp_path, {"pom.xml": pom(""), "build.gradle": ""})
    assert project.package_manager == "maven"
    assert any("both pom.xml and a Gradle build" in w for w in notes.warnings)


# ---- Language


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"package.json": "{}"}, "node"),
        ({"requirements-prod.txt": ""}, "python"),
        ({"pyproject.toml": ""}, "python"),
        ({"go.mod": ""}, "go"),
        ({"build.gradle.kts": ""}, "java"),
        ({"pom.xml": ""}, "java"),
    ],
)
def test_language_from_manifest(tmp_path, files, expected):
    write_tree(tmp_path, files)
    assert detect_language(tmp_path, Notes()) == expected


def test_several_languages_warn_and_package_json_loses(tmp_path):
    write_tree(tmp_path, {"package.json": "{}", "go.mod": ""})
    notes = Notes()
    assert detect_language(tmp_path, notes) == "go"
    assert any("several languages" in w for w in notes.warnings)


def test_no_manifest_is_an_error_naming_the_choices(tmp_path):
    with pytest.raises(ScaffoldError, match="dfopt new node\\|python\\|go\\|java"):
        detect_language(tmp_path, Notes())
