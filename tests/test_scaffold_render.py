"""The tiny template renderer and the command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.scaffold.model import Notes, Project, ScaffoldError
from rewriter.scaffold.options import Overrides, apply_overrides, parse_argv, parse_platforms
from rewriter.scaffold.recipes.common import copy_lines, start_lines
from rewriter.scaffold.render import TemplateError, render
from tests.scaffold_variants import write_tree


def test_values_are_substituted_and_docker_variables_left_alone():
    assert render("FROM node:${V}-{{flavor}}\n", {"flavor": "alpine"}) == "FROM node:${V}-alpine\n"


def test_if_else_blocks_pick_one_branch_and_drop_tag_lines():
    template = "a\n{{#if x}}\nyes\n{{else}}\nno\n{{/if}}\nb\n"
    assert render(template, {"x": True}) == "a\nyes\nb\n"
    assert render(template, {"x": ""}) == "a\nno\nb\n"


def test_if_not_and_nesting():
    template = "{{#if not a}}\n{{#if b}}\nB\n{{/if}}\nnot-a\n{{/if}}\n"
    assert render(template, {"a": False, "b": True}) == "B\nnot-a\n"
    assert render(template, {"a": True, "b": True}) == ""


def test_inner_block_of_a_skipped_block_stays_skipped_after_else():
    template = "{{#if a}}\n{{#if b}}\nB\n{{else}}\nnotB\n{{/if}}\n{{/if}}\n"
    assert render(template, {"a": False, "b": True}) == ""


def test_notes_are_dropped_and_blank_runs_collapse():
    assert render("{{! for authors }}\na\n\n\n\nb\n", {}) == "a\n\nb\n"


@pytest.mark.parametrize(
    "template",
    ["{{missing}}\n", "{{#if missing}}\n{{/if}}\n", "{{#if a}}\n", "{{/if}}\n", "{{else}}\n"],
)
def test_template_mistakes_raise(template):
    with pytest.raises(TemplateError):
        render(template, {"a": True})


def test_non_text_values_raise():
    with pytest.raises(TemplateError):
        render("{{flag}}\n", {"flag": True})


def test_copy_lines_group_top_level_files_and_keep_folders(tmp_path):
    write_tree(tmp_path, {".yarn/releases/y.cjs": "", "a/package.json": "", "a/x.json": ""})
    text = copy_lines(
        ["package.json", "yarn.lock", ".yarn/releases", "a/package.json", "a/x.json"], tmp_path
    )
    assert text.splitlines() == [
        "COPY package.json yarn.lock ./",
        "COPY .yarn/releases ./.yarn/releases",
        "COPY a/package.json a/x.json ./a/",
    ]


def project(**kwargs) -> Project:
    base = {"lang": "node", "root": Path("."), "package_manager": "npm", "version": "22"}
    return Project(**{**base, **kwargs})


def test_start_lines_defaults_and_port_placeholder():
    p = project(port=81)
    assert start_lines(p, ["uvicorn", "--port", "{port}"]) == 'CMD ["uvicorn", "--port", "81"]'


def test_entrypoint_override_drops_the_default_cmd():
    p = project(entrypoint_override=["/bin/app"])
    assert start_lines(p, ["node", "x.js"]) == 'ENTRYPOINT ["/bin/app"]'


def test_cmd_override_keeps_the_default_entrypoint():
    p = project(cmd_override=["--verbose"])
    assert start_lines(p, [], ["/bin/app"]) == 'ENTRYPOINT ["/bin/app"]\nCMD ["--verbose"]'


def test_parse_argv_accepts_json_and_shell_words():
    assert parse_argv("--cmd", '["a", "b c"]') == ["a", "b c"]
    assert parse_argv("--cmd", "a 'b c'") == ["a", "b c"]


@pytest.mark.parametrize("text", ['["a", 1]', "[oops", "", "'unterminated", "[" * 5000])
def test_parse_argv_rejects_bad_commands(text):
    with pytest.raises(ScaffoldError, match="--cmd"):
        parse_argv("--cmd", text)


def test_platforms_are_validated_and_deduplicated():
    assert parse_platforms("linux/amd64, linux/arm/v7,linux/amd64") == [
        "linux/amd64",
        "linux/arm/v7",
    ]
    with pytest.raises(ScaffoldError, match="os/arch"):
        parse_platforms("amd64")


def test_overrides_replace_detected_values():
    p = apply_overrides(project(), Overrides(version="20.11", port=9000, runtime="alpine"))
    assert (p.version, p.port, p.port_declared, p.runtime) == ("20.11", 9000, True, "alpine")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (Overrides(port=70000), "--port"),
        (Overrides(version="22; rm -rf /"), "--version"),
        (Overrides(runtime="scratch"), "--runtime"),
    ],
)
def test_bad_overrides_raise_clear_errors(overrides, message):
    with pytest.raises(ScaffoldError, match=message):
        apply_overrides(project(), overrides)


def test_distroless_python_is_refused():
    with pytest.raises(ScaffoldError, match="not offered for Python"):
        apply_overrides(project(lang="python", version="3.12"), Overrides(runtime="distroless"))


def test_distroless_needs_a_published_line():
    with pytest.raises(ScaffoldError, match="no node 19 image"):
        apply_overrides(project(version="19"), Overrides(runtime="distroless"))


def test_platforms_for_node_warn_about_emulation():
    notes = Notes()
    apply_overrides(project(notes=notes), Overrides(platforms="linux/arm64"))
    assert any("emulation" in w for w in notes.warnings)
