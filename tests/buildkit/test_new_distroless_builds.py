"""``dfopt new node --runtime distroless`` built on the real BuildKit.

The same proof as test_new_builds.py gives the default runtimes, for every node sample app (npm,
Yarn 1, Yarn 4 via corepack, pnpm) with the runtime stage FROM
``gcr.io/distroless/nodejs20-debian12:nonroot``: the Dockerfile builds; the runtime holds the app
and its production dependencies but no package manager, no shell and no dev dependency; it runs as
``nonroot`` (65532), which the distroless image's /etc/passwd has; a source edit leaves every
dependency step CACHED; and the container starts: the image's ENTRYPOINT (node) runs the scaffold's
CMD, whose script and require()s resolve, while a dev dependency does not.

The distroless stand-in (images.toml) is faithful where it matters here: node is the ENTRYPOINT at
/nodejs/bin/node, there is no /bin/sh (a RUN fails, checked below), no npm/yarn/pnpm/corepack, and
the accounts are root, nobody and nonroot only. Its node is the stand-in node script run by a
busybox kept out of PATH (standins/rootfs.py, DISTROLESS_RUNNABLE).

Python has no distroless variant to build: ``dfopt new python --runtime distroless`` is refused
(distroless ships Debian's one Python, 3.11, without pip; see scaffold/options.py).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .harness import build, docker_path, image_config, image_files, unique_token
from .samples import make_app
from .test_new_builds import (  # noqa: F401  (scaffold_images is a fixture used by name)
    APPS,
    _contains,
    _edit,
    _passwd,
    _read,
    assert_source_edit_keeps_dependencies_cached,
    generate,
    scaffold_images,
)

RUNTIME_IMAGE = "gcr.io/distroless/nodejs20-debian12:nonroot"
NODE_APPS = sorted(app for app, spec in APPS.items() if spec[0] == "node")
# What a distroless runtime must not hold on top of the app's dev dependencies: the toolchain of
# the node images the build stages use, and any shell.
NOT_IN_DISTROLESS = [
    "bin/sh",
    "bin/bash",
    "bin/busybox",
    "usr/local/bin/node",
    "usr/local/bin/npm",
    "usr/local/bin/yarn",
    "usr/local/bin/pnpm",
    "usr/local/bin/corepack",
    "usr/local/lib/standin/npm",
    "usr/local/lib/standin/yarn",
    "usr/local/lib/standin/pnpm",
    "usr/local/lib/node_modules/",
]


def _run(tag: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``docker run --rm TAG ARGS``: the image's own ENTRYPOINT, with ARGS as CMD when given."""
    return subprocess.run(
        [docker_path(), "run", "--rm", "--network=none", tag, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.buildkit
@pytest.mark.usefixtures("scaffold_images")
@pytest.mark.parametrize("app", NODE_APPS)
def test_node_distroless_runtime_builds_lean_runs_as_nonroot_and_caches_dependencies(
    app: str, tmp_path: Path
) -> None:
    lang, source, wanted, unwanted, dependency_steps = APPS[app]
    token = unique_token()
    first_ctx = make_app(tmp_path, app, changes={source: _read(app, source) + _edit(source, token)})
    dockerfile = generate(first_ctx, lang, runtime="distroless")
    assert f"FROM {RUNTIME_IMAGE} AS runtime" in dockerfile
    first = build(dockerfile, first_ctx)
    assert first.ok, first.log

    files = image_files(first.tag)
    for path in wanted:
        assert _contains(files, path), f"{app}: distroless runtime lacks {path}"
    for path in unwanted + NOT_IN_DISTROLESS:
        assert not _contains(files, path), f"{app}: distroless runtime holds {path}"
    assert _contains(files, "nodejs/bin/node"), f"{app}: not the distroless node image"

    config = image_config(first.tag)
    user = config["User"].split(":")[0]
    assert user == "65532", f"{app}: USER {config['User']!r}, not distroless' nonroot"
    assert '["nonroot", "65532"]' in _passwd(first.tag), f"{app}: no nonroot in /etc/passwd"
    assert config["Entrypoint"] == ["/nodejs/bin/node"]
    assert config["Cmd"] and config["Cmd"][0] != "node", f"{app}: CMD {config['Cmd']} runs node"

    # The start command: the distroless ENTRYPOINT runs the CMD's script, as the non-root user.
    started = _run(first.tag)
    assert started.returncode == 0, f"{app}: {config['Cmd']} failed\n{started.stderr}"
    assert f"ran {config['Cmd'][0]}" in started.stdout
    # Production dependencies resolve from /app; dev dependencies are absent.
    assert _run(first.tag, "-e", 'require("express")').returncode == 0
    dev = _run(first.tag, "-e", 'require("left-pad")')
    assert dev.returncode != 0 and "Cannot find module 'left-pad'" in dev.stderr

    assert_source_edit_keeps_dependencies_cached(
        tmp_path, app, source, token, first_ctx, dockerfile, dependency_steps
    )


@pytest.mark.buildkit
def test_distroless_node_standin_has_no_shell_for_run(tmp_path: Path) -> None:
    """A RUN in the distroless stage fails as on the real image (no /bin/sh), so a template that
    put one there would fail here too."""
    result = build(f"FROM {RUNTIME_IMAGE}\nRUN true\n", tmp_path)
    assert not result.ok
    assert "/bin/sh" in result.log, result.log
