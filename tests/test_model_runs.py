"""RUN steps: mounts, options, scripts in every form, commands mapped back to file offsets."""

from __future__ import annotations

from rewriter import parse
from rewriter.analyse.model import build_model


def runs_of(text: str, **kwargs):
    tree = parse(text)
    return text, build_model(tree, **kwargs).runs()


def command_texts(text: str, step) -> list[str]:
    return [text[slice(*c.span)] for c in step.commands]


def test_cache_mount_options_and_span():
    text = (
        "FROM node\n"
        "RUN --mount=type=cache,dst=/root/.npm,id=npm,sharing=locked,uid=1000,gid=1000,mode=0755 "
        "npm ci\n"
    )
    text, runs = runs_of(text)
    (mount,) = runs[0].mounts
    assert mount.type == "cache"
    assert mount.target == "/root/.npm"
    assert (mount.id, mount.sharing, mount.uid, mount.gid, mount.mode) == (
        "npm",
        "locked",
        "1000",
        "1000",
        "0755",
    )
    assert mount["dst"] == "/root/.npm" and mount.get("destination") == "/root/.npm"
    assert mount.cache_id == "npm" and not mount.readonly
    assert text[slice(*mount.span)].startswith("--mount=type=cache") and text[
        slice(*mount.span)
    ].endswith("mode=0755")
    assert mount.errors == ()


def test_mount_type_defaults_to_bind_and_is_read_only():
    _, runs = runs_of("FROM alpine\nRUN --mount=target=/src,source=. ls /src\n")
    (mount,) = runs[0].mounts
    assert (mount.type, mount.target, mount.source, mount.readonly) == ("bind", "/src", ".", True)
    assert mount.as_dict() == {"type": "bind", "target": "/src", "source": ".", "readonly": True}


def test_secret_mount_required_and_env():
    _, runs = runs_of("FROM alpine\nRUN --mount=type=secret,id=tok,env=TOKEN,required ./use.sh\n")
    (mount,) = runs[0].mounts
    assert (mount.type, mount.id, mount.env, mount.required) == ("secret", "tok", "TOKEN", True)


def test_mount_errors_are_reported_not_raised():
    _, runs = runs_of("FROM alpine\nRUN --mount=type=cache,target=/x,sharing=bogus,colour=red ls\n")
    errors = runs[0].mounts[0].errors
    assert any("sharing" in e for e in errors) and any("colour" in e for e in errors)


def test_mount_values_are_expanded_with_stage_variables():
    _, runs = runs_of("FROM alpine\nARG CACHE=/c\nRUN --mount=type=cache,target=$CACHE ls\n")
    mount = runs[0].mounts[0]
    assert mount.target == "/c" and mount.raw_options["target"] == "$CACHE"
    assert mount.uses_variables


def test_cache_mount_at_resolves_relative_targets():
    _, runs = runs_of("FROM alpine\nWORKDIR /app\nRUN --mount=type=cache,target=.cache ls\n")
    assert runs[0].cache_mount_at("/app/.cache") is runs[0].mounts[0]
    assert runs[0].cache_mount_at("/root/.cache") is None


def test_network_and_security_flags():
    _, runs = runs_of("FROM alpine\nRUN --network=none --security=insecure true\n")
    assert (runs[0].network, runs[0].security) == ("none", "insecure")


def test_commands_follow_cd_from_workdir():
    text = "FROM node\nWORKDIR /app\nRUN cd frontend && npm ci && cd ../api && go mod download\n"
    text, runs = runs_of(text)
    step = runs[0]
    assert [c.cwd for c in step.commands] == ["/app", "/app/frontend", "/app/frontend", "/app/api"]
    npm = step.commands[1].action
    assert npm.tool == "npm" and npm.directory == "/app/frontend"
    assert step.commands[3].action.tool == "go"
    assert [a.tool for a in step.actions] == ["npm", "go"]


def test_command_spans_map_through_continuation_lines():
    text = "FROM debian\nRUN apt-get update \\\n    && apt-get install -y curl \\\n  && rm -rf /x\n"
    text, runs = runs_of(text)
    assert command_texts(text, runs[0]) == [
        "apt-get update",
        "apt-get install -y curl",
        "rm -rf /x",
    ]


def test_heredoc_body_is_the_script():
    text = "FROM debian\nRUN <<EOF\nset -e\napt-get update\nEOF\n"
    text, runs = runs_of(text)
    step = runs[0]
    assert [s.origin for s in step.scripts] == ["heredoc"]
    assert command_texts(text, step) == ["set -e", "apt-get update"]
    assert step.commands[1].action.kind == "index-update"


def test_heredoc_with_non_shell_shebang_has_no_commands():
    _, runs = runs_of("FROM python\nRUN <<EOF\n#!/usr/bin/env python3\nprint('hi')\nEOF\n")
    assert runs[0].scripts == [] and runs[0].commands == []


def test_heredoc_fed_to_a_shell_is_parsed_in_its_directory():
    text = "FROM node\nWORKDIR /w\nRUN cd app && bash <<EOF\nnpm ci\nEOF\n"
    text, runs = runs_of(text)
    step = runs[0]
    assert [s.origin for s in step.scripts] == ["shell", "heredoc-stdin"]
    npm = step.commands[-1]
    assert text[slice(*npm.span)] == "npm ci"
    assert npm.cwd == "/w/app" and npm.action.directory == "/w/app"


def test_json_form_is_one_command():
    text = 'FROM node\nRUN ["npm", "ci", "--omit=dev"]\n'
    text, runs = runs_of(text)
    (command,) = runs[0].commands
    assert command.command.argv == ["npm", "ci", "--omit=dev"]
    assert text[slice(*command.span)] == '"npm", "ci", "--omit=dev"'
    assert command.action.tool == "npm"


def test_json_form_with_sh_c_parses_the_script():
    text = 'FROM node\nRUN ["sh", "-c", "cd web && npm ci"]\n'
    text, runs = runs_of(text)
    step = runs[0]
    assert [s.origin for s in step.scripts] == ["json", "json-shell"]
    assert command_texts(text, step)[1:] == ["cd web", "npm ci"]
    assert step.commands[-1].cwd == "/web"


def test_json_script_with_escapes_has_no_file_spans():
    text = 'FROM node\nRUN ["sh", "-c", "echo \\"hi\\" && npm ci"]\n'
    _, runs = runs_of(text)
    inner = [c for c in runs[0].commands if c.script.origin == "json-shell"]
    assert [c.command.name for c in inner] == ["echo", "npm"]
    assert all(c.span is None for c in inner)


def test_user_and_home_reach_the_package_recogniser():
    text = "FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN pip install -r requirements.txt\n"
    _, runs = runs_of(text)
    action = runs[1].commands[0].action
    assert action.cache_dirs == ("/home/app/.cache/pip",)


def test_env_home_wins_for_cache_dirs():
    text = "FROM node\nENV HOME=/cache\nUSER 1000\nRUN npm ci\n"
    _, runs = runs_of(text)
    assert runs[0].state.home == "/cache"
    assert runs[0].commands[0].action.cache_dirs == ("/cache/.npm",)


def test_runs_are_parsed_lazily_and_cached():
    model = build_model(parse("FROM alpine\nRUN true\n"))
    assert model._runs is None
    assert model.runs() is model.runs()


def _corpus_trees():
    from pathlib import Path

    from rewriter import ParseError

    root = Path(__file__).resolve().parent.parent / "corpus"
    for path in sorted(root.rglob("*")):
        if path.is_file() and "Dockerfile" in path.name:
            try:
                yield parse(path.read_bytes().decode("utf-8"))
            except (UnicodeDecodeError, ParseError):
                continue


def test_commands_of_one_script_are_already_in_file_order():
    """``_run_step`` sorts commands by file offset only when a RUN has several scripts: a
    script's commands come in script-offset order, and script offsets map to file offsets in
    the same order. Checked over the corpus and over continuation lines and heredocs."""
    texts = [
        "FROM a\nRUN a && \\\n  b && \\\n\n  c; $(d) `e`\n",
        "FROM a\nRUN <<EOF\ncd /x\nmake\nEOF\n",
        "FROM a\nRUN cat <<A && b <<B\nx\nA\ny\nB\n",
        'FROM a\nRUN ["sh", "-c", "a && b"]\n',
    ]
    trees = [parse(t) for t in texts] + list(_corpus_trees())
    checked = 0
    for tree in trees:
        for step in build_model(tree).runs():
            for script in step.scripts:
                offsets = [
                    script.file_offset(c.start) for c in script.script.commands if script.pieces
                ]
                assert offsets == sorted(offsets)
                checked += len(offsets)
    assert checked > 100


def test_os_package_commands_are_recognised_after_a_cd_the_model_cannot_follow() -> None:
    """``apk``/``apt-get`` do the same in any folder; a project tool's meaning depends on it."""
    model = build_model(
        parse("FROM alpine\nARG V\nRUN cd src-$V && apk del .build-deps && npm ci && apk add x\n")
    )
    actions = [(c.command.name, c.action) for c in model.runs()[0].commands]
    kinds = [(name, a.subcommand if a is not None else None) for name, a in actions]
    assert kinds == [("cd", None), ("apk", "del"), ("npm", None), ("apk", "add")]
