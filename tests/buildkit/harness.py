"""Build Dockerfiles on the real BuildKit and inspect the images they make.

dfopt's claims (a rewritten Dockerfile still builds, holds the same files, keeps dependency
installs CACHED after a source edit, warms cache mounts, keeps secrets out of layers) are only
worth something when a real engine confirms them. ``.ci/docker-up`` starts Docker 20.10 (built-in
BuildKit) and makes offline stand-ins for the base images (``images.toml``); this module drives
``docker build --progress=plain`` and reads the results back.

Typical use in a test marked ``@pytest.mark.buildkit`` (the folder's conftest skips it when
:func:`engine_available` gives a reason)::

    ctx = make_context(tmp_path, {"package.json": ..., "src/index.js": ...})
    first = build(dockerfile, ctx)
    assert first.ok, first.log
    assert first.cached("npm ci") is False

Things to know:

* BuildKit's cache outlives a test session. A test that needs a step to run (not be CACHED) must
  put fresh content before it, e.g. :func:`unique_token` in a source file or a cache-mount ``id``.
* ``# syntax=`` lines are removed before building (they would pull a frontend image); so are
  Dockerfile line numbers shifted by one in error messages.
* Every image built here is labelled ``dfopt.harness``. Without ``tag=`` it gets a unique tag that
  the conftest removes when the test ends; images tagged by the caller (say, a module fixture's
  base image) live until the session ends. ``.ci/docker-down`` removes any left over.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .progress import Step, parse_progress, squash

HARNESS_LABEL = "dfopt.harness"
GENERATED_PREFIX = "dfopt-test/"
SENTINEL_IMAGE = "busybox:1.36"  # present once docker-up has built the stand-ins
FINGERPRINT_LABEL = "dfopt.standin.fingerprint"

# Files the engine itself adds to every container, never part of what a Dockerfile built.
RUNTIME_FILES: tuple[str, ...] = (
    ".dockerenv",
    "etc/hostname",
    "etc/hosts",
    "etc/resolv.conf",
    "etc/mtab",
    "dev",
    "proc",
    "sys",
)
# Package-manager caches and scratch space: a safe rewrite may change these and nothing else.
CACHE_DIRS: tuple[str, ...] = (
    "tmp",
    "var/tmp",
    "var/log",
    "var/cache/apt",
    "var/lib/apt/lists",
    "var/cache/apk",
    "etc/apk/cache",
    "*/.npm",
    "usr/local/share/.cache",
    "*/.cache/yarn",
    "*/.yarn/berry/cache",
    "*/.local/share/pnpm",
    "*/.cache/pip",
    "*/.cache/uv",
    "*/.cache/pipenv",
    "*/.cache/pypoetry/cache",
    "*/.cache/pypoetry/artifacts",
    "*/.cache/go-build",
    "go/pkg/mod",
    "*/go/pkg/mod",
    "*/.m2/repository",
    "*/.gradle",
)
DEFAULT_IGNORE: tuple[str, ...] = RUNTIME_FILES + CACHE_DIRS

_SYNTAX = re.compile(r"^#\s*syntax\s*=", re.I)
_DIRECTIVE = re.compile(r"^#\s*[A-Za-z][A-Za-z0-9_-]*\s*=")
_created: set[str] = set()


def docker_path() -> str:
    """The Docker CLI to drive: ``DFOPT_DOCKER``, else Debian's 20.10 client (the newer client in
    /usr/local/bin lacks buildx and refuses BuildKit)."""
    return os.environ.get("DFOPT_DOCKER", "/usr/bin/docker")


def engine_available() -> str | None:
    """``None`` when builds can run here, else a one-line reason (used as the skip message)."""
    return _probe(docker_path(), os.environ.get("DOCKER_HOST"))


@functools.cache
def _probe(docker: str, _docker_host: str | None) -> str | None:
    if not (os.path.isfile(docker) and os.access(docker, os.X_OK)):
        return f"no Docker CLI at {docker} (run `bash .ci/docker-up`)"
    try:
        version = _docker("version", "-f", "{{.Server.Version}}", timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return "the Docker engine did not answer within 20 s"
    if version.returncode != 0:
        why = (version.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"Docker engine not reachable: {why} (run `bash .ci/docker-up`)"
    label = _docker(
        "image", "inspect", "-f", "{{json .Config.Labels}}", SENTINEL_IMAGE, check=False
    )
    if label.returncode != 0 or FINGERPRINT_LABEL not in label.stdout:
        return f"stand-in base images are missing ({SENTINEL_IMAGE}); run `bash .ci/docker-up`"
    return None


def require_engine() -> None:
    """Skip the calling test when no engine is usable (for tests outside tests/buildkit)."""
    reason = engine_available()
    if reason:
        import pytest

        pytest.skip(reason)


def _docker(
    *args: str, timeout: float = 120, check: bool = True, **kwargs
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [docker_path(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
        **kwargs,
    )


def unique_token() -> str:
    """A value no earlier build has seen: put it in a file to force the steps after it to run."""
    return uuid.uuid4().hex[:12]


def strip_syntax_directive(dockerfile: str) -> str:
    """Drop a ``# syntax=`` parser directive (it makes BuildKit pull a frontend image); the other
    directives of the leading block (``# escape=``, ``# check=``) stay where they are."""
    lines = dockerfile.splitlines(keepends=True)
    kept: list[str] = []
    for index, line in enumerate(lines):
        if not _DIRECTIVE.match(line.strip()):
            kept.extend(lines[index:])
            break
        if not _SYNTAX.match(line.strip()):
            kept.append(line)
    return "".join(kept)


@dataclass
class BuildResult:
    """What one ``docker build`` did: success, the raw log, and the parsed steps."""

    ok: bool
    returncode: int
    log: str
    steps: list[Step]
    tag: str
    dockerfile: str
    seconds: float
    _removed: bool = field(default=False, repr=False)

    def steps_for(self, needle: str, *, stage: str | None = None) -> list[Step]:
        """Dockerfile steps whose instruction contains ``needle`` (whitespace-insensitive)."""
        want = squash(needle)
        return [
            s
            for s in self.steps
            if not s.internal
            and want in squash(s.instruction)
            and (stage is None or s.stage == stage)
        ]

    def step_for(self, needle: str, *, stage: str | None = None) -> Step:
        """The first step matching ``needle``; a LookupError lists the steps when none does."""
        found = self.steps_for(needle, stage=stage)
        if not found:
            listing = "\n  ".join(s.name for s in self.steps if not s.internal)
            raise LookupError(f"no step contains {needle!r}; steps:\n  {listing}")
        return found[0]

    def cached(self, needle: str, *, stage: str | None = None) -> bool:
        """Whether the step matching ``needle`` was CACHED in this build."""
        return self.step_for(needle, stage=stage).cached

    def output_of(self, needle: str, *, stage: str | None = None) -> str:
        """What the step printed (empty when it was CACHED: cached steps print nothing)."""
        return self.step_for(needle, stage=stage).text

    @property
    def error(self) -> str:
        """BuildKit's closing error lines ("failed to solve: ..."), empty on success."""
        lines = self.log.strip().splitlines()
        tail = [line for line in lines[-15:] if "error" in line.lower()]
        return "\n".join(tail)

    def remove(self) -> None:
        """Untag the image now (its build cache stays)."""
        if self.ok and not self._removed:
            remove_images([self.tag])
            self._removed = True

    def __enter__(self) -> BuildResult:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.remove()


def build(
    dockerfile_text: str,
    context_dir: str | os.PathLike[str],
    *,
    tag: str | None = None,
    build_args: Mapping[str, str] | None = None,
    secrets: Mapping[str, str | bytes] | None = None,
    ssh: bool | str = False,
    target: str | None = None,
    no_cache: bool = False,
    timeout: float = 900,
) -> BuildResult:
    """Build ``dockerfile_text`` with ``context_dir`` as context on the local BuildKit.

    ``secrets`` maps secret ids to values (passed as ``--secret id=...,src=<temp file>``); ``ssh``
    forwards an agent (``True``: the caller's SSH_AUTH_SOCK, or a throw-away ssh-agent with no
    keys; a string is passed to ``--ssh`` as is). The Dockerfile is written outside the context,
    so the context's own Dockerfile (if any) does not matter. A failed build is a result with
    ``ok=False``, not an exception: tests assert on it and print ``result.log``.
    """
    tag = tag or f"{GENERATED_PREFIX}{unique_token()}:latest"
    text = strip_syntax_directive(dockerfile_text)
    with tempfile.TemporaryDirectory(prefix="dfopt-build-") as tmp:
        dockerfile = Path(tmp, "Dockerfile")
        dockerfile.write_text(text)
        cmd = ["build", "--progress=plain", "-f", str(dockerfile), "-t", tag]
        cmd += ["--label", f"{HARNESS_LABEL}=1"]
        for key, value in (build_args or {}).items():
            cmd += ["--build-arg", f"{key}={value}"]
        for sid, value in (secrets or {}).items():
            path = Path(tmp, f"secret-{len(cmd)}")
            path.write_bytes(value.encode() if isinstance(value, str) else value)
            path.chmod(0o600)
            cmd += ["--secret", f"id={sid},src={path}"]
        if target:
            cmd += ["--target", target]
        if no_cache:
            cmd.append("--no-cache")
        env = {**os.environ, "DOCKER_BUILDKIT": "1"}
        agent = None
        if ssh:
            spec, agent, sock = _ssh_spec(ssh, tmp)
            cmd += ["--ssh", spec]
            if sock:
                env["SSH_AUTH_SOCK"] = sock
        cmd.append(os.fspath(context_dir))
        started = time.monotonic()
        try:
            proc = _docker(*cmd, timeout=timeout, check=False, env=env)
        finally:
            if agent:
                agent.terminate()
                agent.wait(timeout=10)
    _created.add(tag)
    log = proc.stdout + proc.stderr
    return BuildResult(
        ok=proc.returncode == 0,
        returncode=proc.returncode,
        log=log,
        steps=parse_progress(log),
        tag=tag,
        dockerfile=text,
        seconds=time.monotonic() - started,
    )


def _ssh_spec(ssh: bool | str, tmp: str) -> tuple[str, subprocess.Popen | None, str | None]:
    if isinstance(ssh, str):
        return ssh, None, None
    if os.environ.get("SSH_AUTH_SOCK"):
        return "default", None, None
    agent_bin = shutil.which("ssh-agent")
    if not agent_bin:
        raise RuntimeError(
            "ssh=True needs SSH_AUTH_SOCK or ssh-agent (apt-get install openssh-client)"
        )
    sock = os.path.join(tmp, "agent.sock")
    agent = subprocess.Popen([agent_bin, "-D", "-a", sock], stdout=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    return "default", agent, sock


def created_tags(*, generated_only: bool = False) -> set[str]:
    """Tags built in this process and not yet removed; ``generated_only`` keeps just the unique
    tags :func:`build` made up (not the ones a caller chose, e.g. for a fixture's base image)."""
    return {t for t in _created if not generated_only or t.startswith(GENERATED_PREFIX)}


def remove_images(tags: Iterable[str]) -> None:
    """Untag images built here (missing ones are ignored)."""
    tags = [t for t in tags if t]
    if tags:
        _docker("rmi", "-f", *tags, check=False)
        _created.difference_update(tags)


def _ignored(path: str, patterns: Iterable[str]) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(p, pat) for pat in patterns for p in prefixes)


def _member_path(name: str) -> str:
    return name.removeprefix("./").strip("/")


def image_files(tag: str, *, ignore: Iterable[str] = DEFAULT_IGNORE) -> dict[str, str]:
    """The final file tree of an image: path (no leading slash) -> sha256 of the content.

    Symlinks map to ``"symlink:<target>"``, empty folders are left out, and so is every path
    under an ``ignore`` pattern (fnmatch, tried on the path and each of its parents; the default
    ignores engine-made files and package-manager caches, see CACHE_DIRS). Read through ``docker
    export`` of a created (never started) container, so whiteouts are already applied.
    """
    patterns = tuple(ignore)
    created = _docker("create", "--label", f"{HARNESS_LABEL}=1", tag, "/standin-unused")
    container = created.stdout.strip()
    files: dict[str, str] = {}
    try:
        with (
            subprocess.Popen([docker_path(), "export", container], stdout=subprocess.PIPE) as proc,
            tarfile.open(fileobj=proc.stdout, mode="r|") as tar,
        ):
            for member in tar:
                path = _member_path(member.name)
                if not path or member.isdir() or _ignored(path, patterns):
                    continue
                if member.issym():
                    files[path] = f"symlink:{member.linkname}"
                elif member.islnk():
                    target = _member_path(member.linkname)
                    files[path] = files.get(target, f"hardlink:{target}")
                elif member.isfile():
                    digest = hashlib.sha256()
                    handle = tar.extractfile(member)
                    assert handle is not None
                    for chunk in iter(lambda h=handle: h.read(1 << 16), b""):
                        digest.update(chunk)
                    files[path] = digest.hexdigest()
                else:
                    files[path] = f"special:{member.type!r}"
    finally:
        _docker("rm", "-f", "-v", container, check=False)  # -v: anonymous VOLUMEs too
    return dict(sorted(files.items()))


@dataclass(frozen=True)
class FileDiff:
    """How two images' file trees differ (see :func:`diff_images`)."""

    only_in_a: tuple[str, ...]
    only_in_b: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def equal(self) -> bool:
        return not (self.only_in_a or self.only_in_b or self.changed)

    def __str__(self) -> str:
        if self.equal:
            return "same files"
        parts = [
            f"{label}: {', '.join(paths[:20])}{' ...' if len(paths) > 20 else ''}"
            for label, paths in (
                ("only in a", self.only_in_a),
                ("only in b", self.only_in_b),
                ("changed", self.changed),
            )
            if paths
        ]
        return "; ".join(parts)


def diff_files(a: Mapping[str, str], b: Mapping[str, str]) -> FileDiff:
    """Compare two :func:`image_files` results."""
    return FileDiff(
        only_in_a=tuple(sorted(a.keys() - b.keys())),
        only_in_b=tuple(sorted(b.keys() - a.keys())),
        changed=tuple(sorted(k for k in a.keys() & b.keys() if a[k] != b[k])),
    )


def diff_images(tag_a: str, tag_b: str, *, ignore: Iterable[str] = DEFAULT_IGNORE) -> FileDiff:
    """Compare two images' final file trees; ``str()`` of the result explains a difference."""
    patterns = tuple(ignore)
    return diff_files(image_files(tag_a, ignore=patterns), image_files(tag_b, ignore=patterns))


def image_layers_contain(tag: str, needle: bytes) -> bool:
    """Whether ``needle`` occurs anywhere an image keeps data: any layer (including files later
    deleted), the image config (ENV, labels, the history's RUN lines with ARG values), or
    ``docker history --no-trunc``. Reads the uncompressed ``docker save`` stream once."""
    if not needle:
        raise ValueError("needle must not be empty")
    with subprocess.Popen([docker_path(), "save", tag], stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        found = _stream_contains(proc.stdout, needle)
        if found:
            proc.kill()
    if found:
        return True
    history = _docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag)
    return needle in history.stdout.encode()


def _stream_contains(stream, needle: bytes, chunk_size: int = 1 << 20) -> bool:
    tail = b""
    while chunk := stream.read(chunk_size):
        window = tail + chunk
        if needle in window:
            return True
        tail = window[-(len(needle) - 1) :] if len(needle) > 1 else b""
    return False


def image_config(tag: str) -> dict:
    """The image's config section (Env, Cmd, Entrypoint, User, WorkingDir, Labels, ...)."""
    import json

    out = _docker("image", "inspect", "-f", "{{json .Config}}", tag)
    return json.loads(out.stdout)


def make_context(
    tmp_path: str | os.PathLike[str], files: Mapping[str, str | bytes], *, name: str = "context"
) -> Path:
    """Write ``files`` (relative path -> content) into a fresh folder under ``tmp_path``.

    Content starting with ``#!`` is made executable (wrapper scripts such as ``gradlew``), as it
    would be in a checkout. Returns the folder, ready to pass to :func:`build`.
    """
    root = Path(tmp_path) / name
    suffix = 1
    while root.exists():
        suffix += 1
        root = Path(tmp_path) / f"{name}-{suffix}"
    root.mkdir(parents=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        path.write_bytes(data)
        if data.startswith(b"#!"):
            path.chmod(0o755)
    return root
