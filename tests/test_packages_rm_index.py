"""``rm`` recognition compares each removed path only with the caches under its first part
(``_CacheIndex``); that must find exactly what comparing it with every known cache finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.packages.recognise import _recognise_rm
from rewriter.analyse.shell import parse_shell

from .test_model_shortcuts import _dockerfiles


def _same_both_ways(script: str, env: dict[str, str], home: str, user: str, cwd: str) -> None:
    for cmd in parse_shell(script).commands:
        if cmd.name != "rm" or not cmd.known:
            continue
        args = list(cmd.words[1:])
        indexed = _recognise_rm(cmd, args, env, home, user, cwd)
        full = _recognise_rm(cmd, args, env, home, user, cwd, indexed=False)
        assert indexed == full, script


def test_corpus_rm_commands_find_the_same_caches() -> None:
    from rewriter import parse
    from rewriter.analyse.model import build_model

    seen = 0
    for text in _dockerfiles():
        for step in build_model(parse(text)).runs():
            state = step.state
            for command in step.commands:
                cmd = command.command
                if cmd.name == "rm" and cmd.known:
                    seen += 1
                    args = list(cmd.words[1:])
                    env = state.known_variables()
                    home = state.home or "/"
                    for cwd in (state.workdir, "/", None):
                        indexed = _recognise_rm(cmd, args, env, home, state.user, cwd)
                        full = _recognise_rm(cmd, args, env, home, state.user, cwd, indexed=False)
                        assert indexed == full
    assert seen > 20


_PARTS = st.sampled_from(
    ["", ".", "..", "*", "?", "[a]", "root", "home", "var", "cache", "lib", "apt", "lists",
     "pip", ".cache", ".npm", "go", "pkg", "mod", "tmp", "usr", "local", "share", "~", "$HOME",
     "${GOPATH}", "apk", "archives", "*.deb", ".m2", "repository", "yarn"]
)  # fmt: skip
_PATHS = st.builds(
    lambda root, parts: root + "/".join(parts),
    st.sampled_from(["/", "", "~/", "//"]),
    st.lists(_PARTS, max_size=5),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_PATHS, min_size=1, max_size=4),
    st.sampled_from([{}, {"GOPATH": "/go", "PIP_CACHE_DIR": "/pc"}, {"XDG_CACHE_HOME": "/x"}]),
    st.sampled_from([("/root", "root"), ("/home/app", "app"), ("/", "1000")]),
    st.sampled_from(["/", "/app", "/root"]),
)
def test_generated_rm_commands_find_the_same_caches(paths, env, who, cwd) -> None:
    home, user = who
    _same_both_ways("rm -rf " + " ".join(paths), env, home, user, cwd)
