"""Properties every ``--fix`` run must keep, on every Dockerfile we have and on generated ones.

Why properties and not only examples: each rule's tests prove its own fix on its own cases, but
the fixer applies all of them together, pass after pass, and a fix that looks right alone can
re-fire forever once another rule has touched the same lines (DF101 inserted a new download
step on every pass). These tests run the whole fixer, safe and unsafe, with and without a build
context, and check what must hold whatever the rules do: it finishes (no FixError), a second
run changes nothing, the output parses (ours and, when installed, BuildKit's own parser), no
rule crashes, each fix alone solves the problem it was offered for, no comment line and no
instruction disappears (except what the policy lets an unsafe secret-mount fix replace), base
images stay, and a CRLF file stays CRLF.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewriter.fixes.engine import FixError, FixResult, apply_edits, fix_source
from rewriter.parser import Comment, Directive, Dockerfile, Instruction, ParseError, parse
from rewriter.rules.base import Applicability, Finding
from rewriter.rules.engine import lint_source
from tests.conftest import CORPUS, SHARED

CONFORMANCE = SHARED / "conformance" / "buildkit-parser" / "testfiles"


# -- the invariants ------------------------------------------------------------------------------
def comment_lines(tree: Dockerfile) -> Counter[str]:
    """Every comment line (directives and comments inside continuations too), stripped."""
    found: Counter[str] = Counter()
    for node in tree.nodes:
        if isinstance(node, Comment | Directive):
            found[node.text.strip()] += 1
        elif isinstance(node, Instruction):
            for line in node.lines:
                if line.kind == "CONT_COMMENT":
                    found[line.text.strip()] += 1
    return found


def keywords(tree: Dockerfile, *, secrets: frozenset[str] = frozenset()) -> Counter[str]:
    """Instruction names, leaving out what an unsafe secret-mount fix may replace.

    The fix safety policy lets an unsafe fix turn ``ARG NPM_TOKEN`` (DF201) or ``COPY .npmrc``
    (DF203) into a secret mount: an ARG/ENV declaring only variables, or a COPY/ADD of only
    files, that ``secrets`` (what the fixed file's secret mounts provide) names is not counted.
    MAINTAINER counts as LABEL: DF405's fix rewrites one into the other.
    """
    found: Counter[str] = Counter()
    for inst in tree.instructions:
        names = _declared(inst)
        if names and names <= secrets:
            continue
        found["label" if inst.name == "maintainer" else inst.name] += 1
    return found


def _declared(inst: Instruction) -> set[str]:
    """The variables an ARG/ENV declares, or the file names a COPY/ADD copies."""
    if inst.name == "arg":
        return {word.partition("=")[0] for word in inst.values}
    if inst.name == "env":
        return set(inst.values[0::3])
    if inst.name in ("copy", "add") and len(inst.values) > 1:
        return {posixpath.basename(v.rstrip("/")) for v in inst.values[:-1]}
    return set()


#: A RUN that only updates a package index, as DF105's fix moves it (one command, one line).
_INDEX_UPDATE = re.compile(
    r"(?:apt-get|apk|dnf|yum|microdnf)\b[^;&|#\n]*\b(?:update|makecache)\b[^;&|#\n]*"
)


def merged_index_updates(before: Dockerfile, after: Dockerfile) -> int:
    """How many RUNs of ``before`` only update an index and reappear, as written and joined with
    ``&&``, in a RUN of ``after`` (``RUN apt-get update && apt-get install ...``): DF105's fix
    moves such a RUN into the install's RUN, the one way the policy lets a safe fix remove a
    RUN."""
    starts = [inst.args for inst in after.instructions if inst.name == "run"]  # (logical text)
    return sum(
        1
        for inst in before.instructions
        if inst.name == "run"
        and _INDEX_UPDATE.fullmatch(inst.args.strip())
        and any(inst.args.strip() + " && " in text for text in starts)
    )


def secret_mounts(tree: Dockerfile) -> frozenset[str]:
    """What secret mounts provide: the ``env=`` variables, the ``target=`` file names, and the
    variables a RUN reads from its secret file (``NAME="$(cat /run/secrets/<id>)"``, DF201's
    form for frontends without ``env=``)."""
    found = set()
    for inst in tree.instructions:
        for value in inst.flag_values("mount"):
            options = dict(item.partition("=")[::2] for item in value.split(","))
            if options.get("type") != "secret":
                continue
            if options.get("env"):
                found.add(options["env"])
            if options.get("target"):
                found.add(posixpath.basename(options["target"].rstrip("/")))
            path = options.get("target") or f"/run/secrets/{options.get('id', '')}"
            read = re.compile(r'(?:^|[\s;&])(\w+)="\$\(cat ' + re.escape(path) + r'\)"')
            found.update(read.findall(inst.args))
    return frozenset(found)


def base_images(tree: Dockerfile) -> list[tuple[str, ...]]:
    """Each FROM's image and stage name. Stage names, and images that name an earlier stage,
    compare case-insensitively (BuildKit does; DF408's fix lower-cases them)."""
    found = []
    stages: set[str] = set()
    for inst in tree.instructions:
        if inst.name == "from":
            image, *rest = inst.values or [""]
            rest = [word.lower() for word in rest]
            found.append((image.lower() if image.lower() in stages else image, *rest))
            stages.update(rest[1:2])
    return found


def _only_crlf(text: str) -> bool:
    return "\r\n" in text and text.count("\n") == text.count("\r\n")


def problem_key(finding: Finding) -> tuple[str, str]:
    """What a finding is about, without where: its code and its message with line numbers and
    the "not fixed" reason left out (a fix moves lines, and a rule that re-fires on its own
    output often only adds a reason it cannot fix it again)."""
    message = re.split(r"; not fixed:| \(no fix", finding.message)[0]
    return finding.code, re.sub(r"\(?\blines? \d+\)?", "", message)


def check_each_fix_solves_its_problem(
    source: str, context_dir: Path | None, *, unsafe: bool
) -> None:
    """Apply each fix of the input on its own and re-lint: the problem it fixed must be gone.

    One fix at a time, so no other rule's edit can be blamed or give cover. A rule that still
    reports the same problem after its own fix would re-fire on every pass (DF101 inserted a
    download step forever) or leave a finding that ``--fix`` promised to clear.
    """
    threshold = Applicability.UNSAFE if unsafe else Applicability.SAFE
    findings = lint_source(source, context_dir=context_dir).findings
    before = Counter(problem_key(f) for f in findings)
    for finding in findings:
        if finding.fix is None or finding.fix.applicability < threshold or not finding.fix.edits:
            continue
        fixed = apply_edits(source, list(finding.fix.edits))
        result = lint_source(fixed, context_dir=context_dir)
        assert result.error is None, f"{finding.code}'s fix alone gives unparseable text\n{fixed}"
        key = problem_key(finding)
        after = sum(1 for f in result.findings if problem_key(f) == key)
        assert after < before[key], (
            f"{finding.code}'s fix does not solve its problem: {finding.message}\n"
            f"--- after that fix alone ---\n{fixed}"
        )


def _go_parser_accepts(text: str) -> bool | None:
    """Whether BuildKit's own parser (the ``dockerfile`` package) accepts ``text``; None when
    that package is not installed. Our parser may be more lenient: the fixed file must still
    be one that ``docker build`` reads."""
    try:
        import dockerfile
    except ImportError:
        return None
    try:
        dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return False
    return True


def check_fix_invariants(
    source: str, context_dir: Path | None = None, *, unsafe: bool = False
) -> FixResult | None:
    """Fix ``source`` and assert every invariant; None when the input itself does not parse."""
    try:
        before = parse(source)
    except ParseError:
        return None
    mode = "unsafe" if unsafe else "safe"
    try:
        result = fix_source(source, context_dir=context_dir, unsafe=unsafe)
    except FixError as exc:
        pytest.fail(f"{mode} fix raised FixError: {exc}\n--- input ---\n{source}")
    assert result.error is None
    crashed = [f.message for f in result.remaining if f.code == "DF000"]
    assert not crashed, f"a rule crashed on the {mode} output: {crashed}\n{result.output}"
    output = result.output
    try:
        after = parse(output)
    except ParseError as exc:  # pragma: no cover - the engine refuses this itself
        pytest.fail(f"{mode} fix output does not parse: {exc}\n--- output ---\n{output}")
    again = fix_source(output, context_dir=context_dir, unsafe=unsafe)
    assert (
        again.output == output
    ), f"{mode} fix is not idempotent\n--- first ---\n{output}\n--- second ---\n{again.output}"
    if _go_parser_accepts(source) is True:
        assert _go_parser_accepts(output) is not False, f"BuildKit's parser rejects\n{output}"
    for finding in result.remaining:
        assert not any(secret in finding.message for secret in finding.secrets if len(secret) > 2)
    check_each_fix_solves_its_problem(source, context_dir, unsafe=unsafe)
    lost = comment_lines(before) - comment_lines(after)
    assert not lost, f"{mode} fix deleted comment lines {sorted(lost)}\n--- output ---\n{output}"
    replaced = secret_mounts(after) if unsafe else frozenset()
    missing = keywords(before, secrets=replaced) - keywords(after)
    missing["run"] -= merged_index_updates(before, after)
    missing = +missing  # (drops the zero and negative counts)
    assert not missing, f"{mode} fix deleted instructions {dict(missing)}\n--- output ---\n{output}"
    assert base_images(after) == base_images(before), f"{mode} fix changed a FROM\n{output}"
    if _only_crlf(source):
        assert _only_crlf(output), f"{mode} fix wrote LF lines into a CRLF file\n{output!r}"
    return result


# -- every Dockerfile we have ----------------------------------------------------------------------
def _dockerfiles(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = {*root.rglob("Dockerfile"), *root.rglob("*.Dockerfile")}
    return sorted(p for p in found if p.is_file())


def _context_of(dockerfile: Path) -> Path | None:
    """The case's build context: ``context/`` beside it, or the ``project/`` of a dfopt-new case."""
    for candidate in (dockerfile.parent / "context", dockerfile.parent.parent / "project"):
        if candidate.is_dir():
            return candidate
    return None


def _cases() -> list[pytest.param]:
    cases = []
    for root, label in ((CORPUS, "corpus"), (CONFORMANCE, "buildkit")):
        for path in _dockerfiles(root):
            name = f"{label}/{path.relative_to(root)}"
            contexts = [None]
            if _context_of(path) is not None:
                contexts.append(_context_of(path))
            for context in contexts:
                for unsafe in (False, True):
                    ids = f"{name}-{'context' if context else 'no-context'}-"
                    ids += "unsafe" if unsafe else "safe"
                    cases.append(pytest.param(path, context, unsafe, id=ids))
    return cases


@pytest.mark.parametrize(("dockerfile", "context", "unsafe"), _cases())
def test_fixing_a_known_dockerfile_keeps_every_invariant(
    dockerfile: Path, context: Path | None, unsafe: bool
) -> None:
    source = dockerfile.read_bytes().decode("utf-8")
    check_fix_invariants(source, context, unsafe=unsafe)


# -- generated Dockerfiles -------------------------------------------------------------------------
IMAGES = (
    "node:20",
    "node:22-bookworm-slim",
    "node:20-alpine",
    "python:3.12-slim",
    "python:3.11",
    "golang:1.22",
    "golang:1.22-alpine",
    "maven:3.9-eclipse-temurin-21",
    "eclipse-temurin:21",
    "gradle:8-jdk21",
    "debian:bookworm-slim",
    "alpine:3.20",
    "ubuntu:24.04",
    "node",
    "python:latest",
    "gcr.io/distroless/static-debian12",
    "scratch",
)
DIRS = ("/app", "/src", "/usr/src/app", "/workspace", "app", "src", "/app/web")
MANIFEST_COPIES = (
    "package.json package-lock.json ./",
    "package*.json ./",
    "package.json yarn.lock ./",
    "package.json pnpm-lock.yaml ./",
    "requirements.txt .",
    "requirements.txt ./",
    "pyproject.toml poetry.lock ./",
    "pyproject.toml uv.lock ./",
    "go.mod go.sum ./",
    "pom.xml .",
    "build.gradle settings.gradle ./",
    ".npmrc ./",
)
BROAD_COPIES = (". .", ". ./", ". /app", ". /src", "./ .", "web/ ./", "src ./src", ". $APP_DIR")
COMMANDS = (
    "npm ci",
    "npm install",
    "npm install express",
    "npm ci --omit=dev",
    "npm run build",
    "npm cache clean --force",
    "yarn install --frozen-lockfile",
    "yarn",
    "yarn install",
    "yarn workspaces focus --all --production",
    "yarn build",
    "pnpm install --frozen-lockfile",
    "pnpm install",
    "corepack enable",
    "pip install -r requirements.txt",
    "pip install --no-cache-dir -r requirements.txt",
    "pip install .",
    "python -m pip install --upgrade pip",
    "poetry install --no-root",
    "poetry install",
    "uv sync --frozen",
    "uv sync --frozen --no-install-project",
    "pipenv install --deploy",
    "go mod download",
    "go build -o /out/app .",
    "CGO_ENABLED=0 go build -o /out/app ./cmd/app",
    "go test ./...",
    "mvn -B package -DskipTests",
    "./mvnw -q package",
    "mvn dependency:go-offline",
    "gradle build --no-daemon",
    "./gradlew assemble",
    "apt-get update",
    "apt-get install -y --no-install-recommends curl ca-certificates",
    "apt-get install -y git",
    "rm -rf /var/lib/apt/lists/*",
    "apk add --no-cache git",
    "apk add curl",
    "apk update",
    "cd /app",
    "cd web",
    "cd ..",
    "echo done",
    "mkdir -p /out",
    "curl -fsSL https://example.com/install.sh | sh",
    'curl -H "Authorization: Bearer $API_TOKEN" https://example.com/x',
    "git clone git@github.com:acme/lib.git",
    "npm config set //registry.npmjs.org/:_authToken=$NPM_TOKEN",
    "useradd -m app",
)
CACHE_MOUNTS = (
    "--mount=type=cache,target=/root/.npm",
    "--mount=type=cache,target=/root/.cache/pip",
    "--mount=type=cache,target=/go/pkg/mod",
    "--mount=type=cache,target=/var/cache/apt,sharing=locked",
    "--mount=type=cache,target=/root/.m2",
    "--mount=type=secret,id=npm_token,env=NPM_TOKEN",
    "--mount=type=bind,source=go.mod,target=go.mod",
    "--network=none",
)
VARIABLES = (
    "ARG NPM_TOKEN",
    "ARG GITHUB_TOKEN",
    "ARG VERSION=1.0",
    "ARG APP_DIR=/app",
    "ENV API_KEY=abc123def456",
    "ENV NODE_ENV=production",
    "ENV PIP_NO_CACHE_DIR=1",
    "ENV DB_PASSWORD=hunter22",
    "ENV PATH=/app/bin:$PATH",
    "ENV GOFLAGS=-mod=vendor",
    "ARG TARGETOS TARGETARCH",
    "ENV YARN_CACHE_FOLDER=/cache/yarn",
    "ARG GIT_COMMIT",
    "ENV BUILD_DATE=2024-05-01",
)
COMMENTS = (
    "# install the dependencies",
    "# syntax=docker/dockerfile:1.4",
    "#comment without space",
    "  # indented comment",
    "# TODO: pin versions",
    "#",
)
#: Shapes the other fragments do not make: heredocs, JSON RUN, ONBUILD, indentation, tabs,
#: empty continuation lines, trailing spaces, HEALTHCHECK, SHELL.
ODD_INSTRUCTIONS = (
    "RUN <<EOF\nnpm ci\nEOF",
    "RUN <<-EOT bash\n\tapt-get update\n\tapt-get install -y curl\nEOT",
    "COPY <<EOF /app/config.txt\nkey=value\nEOF",
    'RUN ["npm", "ci"]',
    'RUN ["/bin/sh", "-c", "pip install -r requirements.txt"]',
    "ONBUILD RUN npm ci",
    "ONBUILD COPY . .",
    "  RUN npm ci",
    "\tRUN pip install -r requirements.txt",
    "RUN npm ci \\\n\n    && npm run build",
    "RUN apt-get update && \\\n    # keep the index\n    apt-get install -y curl",
    "RUN npm ci   ",
    "RUN set -eux; \\\n    go mod download; \\\n    go build -o /out/app .",
    "RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi",
    "RUN npm ci || true",
    "RUN (cd web && npm ci)",
    "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
    "ADD https://example.com/tool.tar.gz /tmp/",
    "ADD --chown=1000 . /app",
    "COPY --from=build --chown=1000 /app /app",
    "VOLUME /data",
    "STOPSIGNAL SIGTERM",
    "MAINTAINER someone@example.com",
    "ARG NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "ENV GITHUB_TOKEN ghp_abcdefghijklmnopqrstuvwxyz0123456789AB",
    "RUN --mount=type=cache,target=/root/.npm,id=npm npm ci",
    "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
    "RUN pip install -r requirements.txt -r requirements-dev.txt",
    "USER 1000:1000",
    "RUN apt-get update",
    "RUN apk update",
    "RUN apt-get install -y --no-install-recommends curl",
    "RUN pip install --upgrade pip",
    "RUN python -m pip install -U pip setuptools",
    "RUN npm install -g pnpm",
    "RUN corepack enable",
)
CONTEXT_FILES = {
    "package.json": '{"name": "app", "scripts": {"build": "tsc"}}',
    "package-lock.json": "{}",
    "yarn.lock": "",
    ".yarnrc.yml": "nodeLinker: node-modules\n",
    "pnpm-lock.yaml": "",
    ".npmrc": "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
    "requirements.txt": "flask==3.0\n",
    "requirements-dev.txt": "-r requirements.txt\npytest\n",
    "pyproject.toml": '[project]\nname = "app"\n',
    "poetry.lock": "",
    "uv.lock": "",
    "Pipfile": "",
    "Pipfile.lock": "{}",
    "go.mod": "module example.com/app\n",
    "go.sum": "",
    "main.go": "package main\n",
    "pom.xml": "<project/>",
    "mvnw": "#!/bin/sh\n",
    "build.gradle": "",
    "settings.gradle": "",
    "index.js": "",
    "src/app.py": "",
    "web/package.json": "{}",
    ".env": "SECRET=1\n",
    ".dockerignore": "node_modules\n.git\n",
}


def _case(draw, word: str) -> str:
    return draw(st.sampled_from((word.upper(), word.lower(), word.capitalize())))


@st.composite
def run_instructions(draw) -> str:
    """A RUN: one to three commands joined by ``&&``, maybe a mount, maybe continuation lines."""
    commands = draw(st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=3))
    flags = draw(st.lists(st.sampled_from(CACHE_MOUNTS), max_size=2, unique=True))
    joiner = draw(st.sampled_from((" && ", " && \\\n    ", " \\\n    && ", "; ")))
    script = joiner.join(commands)
    if draw(st.booleans()) and "\\\n" in script:
        script = script.replace("\\\n", "\\\n    # a comment inside the RUN\n", 1)
    head = " ".join([_case(draw, "RUN"), *flags])
    if flags and draw(st.booleans()):
        return f"{head} \\\n    {script}"
    return f"{head} {script}"


@st.composite
def instructions(draw) -> str:
    kind = draw(
        st.sampled_from(
            ("workdir", "manifest", "broad", "run", "run", "run", "var", "user", "cmd", "comment",
             "expose", "from-copy", "label", "odd")
        )
    )  # fmt: skip
    if kind == "odd":
        return draw(st.sampled_from(ODD_INSTRUCTIONS))
    if kind == "workdir":
        return f"{_case(draw, 'WORKDIR')} {draw(st.sampled_from(DIRS))}"
    if kind == "manifest":
        flag = draw(st.sampled_from(("", "--chown=node:node ", "--link ")))
        return f"{_case(draw, 'COPY')} {flag}{draw(st.sampled_from(MANIFEST_COPIES))}"
    if kind == "broad":
        keyword = _case(draw, draw(st.sampled_from(("COPY", "COPY", "ADD"))))
        flag = draw(st.sampled_from(("", "", "--chown=1000:1000 ", "--link ", "--chmod=755 ")))
        return f"{keyword} {flag}{draw(st.sampled_from(BROAD_COPIES))}"
    if kind == "run":
        return draw(run_instructions())
    if kind == "var":
        return draw(st.sampled_from(VARIABLES))
    if kind == "user":
        return f"{_case(draw, 'USER')} {draw(st.sampled_from(('node', '1000', 'root', 'app:app')))}"
    if kind == "cmd":
        keyword = _case(draw, draw(st.sampled_from(("CMD", "ENTRYPOINT"))))
        form = draw(
            st.sampled_from(('["node", "index.js"]', "python app.py", '["/app"]', "npm start"))
        )
        return f"{keyword} {form}"
    if kind == "comment":
        return draw(st.sampled_from(COMMENTS))
    if kind == "expose":
        return "EXPOSE 8080"
    if kind == "label":
        return 'LABEL org.opencontainers.image.title="app"'
    return f"COPY --from={draw(st.sampled_from(('build', '0', 'deps')))} /out/app /app"


#: Per ecosystem: images, manifest COPY sources, installs, builds, and context files.
PROJECTS = {
    "npm": (
        ("node:20", "node:22-bookworm-slim", "node:20-alpine"),
        ("package.json package-lock.json", "package*.json", "package.json"),
        ("npm ci", "npm install", "npm ci --omit=dev", "npm ci --ignore-scripts"),
        ("npm run build", "npm test"),
        ("package.json", "package-lock.json", "index.js", ".npmrc"),
    ),
    "yarn": (
        ("node:20", "node:22-bookworm-slim"),
        ("package.json yarn.lock", "package.json yarn.lock .yarnrc.yml"),
        ("yarn install --frozen-lockfile", "yarn", "yarn install --immutable", "yarn install"),
        ("yarn build", "yarn run build"),
        ("package.json", "yarn.lock", ".yarnrc.yml", "index.js"),
    ),
    "pnpm": (
        ("node:20-slim",),
        ("package.json pnpm-lock.yaml",),
        ("pnpm install --frozen-lockfile", "pnpm install", "corepack enable && pnpm install"),
        ("pnpm run build",),
        ("package.json", "pnpm-lock.yaml"),
    ),
    "pip": (
        ("python:3.12-slim", "python:3.11"),
        ("requirements.txt",),
        ("pip install -r requirements.txt", "pip install --no-cache-dir -r requirements.txt",
         "python -m pip install -r requirements.txt", "pip install --user -r requirements.txt"),
        ("python -m compileall .", "pip install ."),
        ("requirements.txt", "requirements-dev.txt", "src/app.py"),
    ),
    "poetry": (
        ("python:3.12-slim",),
        ("pyproject.toml poetry.lock",),
        ("poetry install --no-root", "poetry install --only main --no-root", "poetry install"),
        ("poetry build",),
        ("pyproject.toml", "poetry.lock"),
    ),
    "uv": (
        ("python:3.12-slim",),
        ("pyproject.toml uv.lock",),
        ("uv sync --frozen --no-install-project", "uv sync --frozen", "uv sync"),
        ("uv build",),
        ("pyproject.toml", "uv.lock"),
    ),
    "go": (
        ("golang:1.22", "golang:1.22-alpine", "golang:1.22-bookworm"),
        ("go.mod go.sum", "go.mod"),
        ("go mod download", "go mod download -x"),
        ("go build -o /out/app .", "CGO_ENABLED=0 go build -o /out/app ./cmd/app",
         "GOFLAGS=-mod=mod go build -o /out/app .", "go test ./..."),
        ("go.mod", "go.sum", "main.go"),
    ),
    "maven": (
        ("maven:3.9-eclipse-temurin-21", "eclipse-temurin:21"),
        ("pom.xml", "mvnw pom.xml"),
        ("mvn -B dependency:go-offline", "./mvnw dependency:resolve"),
        ("mvn -B package -DskipTests", "./mvnw -q package", "mvn -o package"),
        ("pom.xml", "mvnw"),
    ),
    "gradle": (
        ("gradle:8-jdk21", "eclipse-temurin:21"),
        ("build.gradle settings.gradle",),
        ("gradle dependencies --no-daemon",),
        ("gradle build --no-daemon", "./gradlew assemble", "gradle build -x test"),
        ("build.gradle", "settings.gradle"),
    ),
}  # fmt: skip
SYSTEM_INSTALLS = (
    "apt-get update && apt-get install -y --no-install-recommends ca-certificates",
    "apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*",
    "apt-get install -y curl",
    "apk add --no-cache git",
    "apk add curl",
    "apk update && apk add build-base",
)


def _run(draw, command: str) -> str:
    """``RUN command`` with maybe a mount already there and maybe continuation lines."""
    keyword = _case(draw, "RUN")
    flags = draw(st.lists(st.sampled_from(CACHE_MOUNTS), max_size=1))
    if " && " in command and draw(st.booleans()):
        command = command.replace(" && ", draw(st.sampled_from((" && \\\n    ", " \\\n  && "))))
    return " ".join([keyword, *flags, command])


@st.composite
def project_stages(draw, index: int) -> tuple[list[str], set[str]]:
    """A coherent build stage of one ecosystem (the shapes DF101/DF107/DF108 rewrite), with
    its dependency step before or after the broad COPY, in WORKDIR or after a ``cd``."""
    kind = draw(st.sampled_from(sorted(PROJECTS)))
    images, manifests, installs, builds, files = PROJECTS[kind]
    name = draw(st.sampled_from(("", " AS build", " as builder", f" AS stage{index}")))
    lines = [f"{_case(draw, 'FROM')} {draw(st.sampled_from(images))}{name}"]
    folder = draw(st.sampled_from(("/app", "/src", "/go/src/app", "/usr/src/app")))
    use_cd = draw(st.integers(min_value=0, max_value=3)) == 0
    if not use_cd:
        lines.append(f"{_case(draw, 'WORKDIR')} {folder}")
    if draw(st.booleans()):
        lines.append(_run(draw, draw(st.sampled_from(SYSTEM_INSTALLS))))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(VARIABLES + COMMENTS)))
    dest = f"{folder}/" if use_cd else draw(st.sampled_from(("./", ".", f"{folder}/")))
    flag = draw(st.sampled_from(("", "", "--chown=1000:1000 ", "--link ")))
    copy = _case(draw, "COPY")
    broad = f"{copy} {flag}. {folder if use_cd else draw(st.sampled_from(('.', './')))}"
    manifest = f"{copy} {flag}{draw(st.sampled_from(manifests))} {dest}"
    cd = f"cd {folder} && " if use_cd else ""
    install = _run(draw, cd + draw(st.sampled_from(installs)))
    build = _run(draw, cd + draw(st.sampled_from(builds)))
    body = draw(
        st.sampled_from(
            (
                [broad, install, build],
                [manifest, install, broad, build],
                [manifest, broad, install, build],
                [broad, build],
                [install, broad, build],
            )
        )
    )
    if draw(st.booleans()):
        body = list(body)
        body.insert(draw(st.integers(0, len(body))), draw(st.sampled_from(COMMENTS + VARIABLES)))
    lines += body
    lines += draw(st.lists(instructions(), max_size=2))
    used = set(draw(st.lists(st.sampled_from(files), max_size=len(files), unique=True)))
    return lines, used


@st.composite
def stages(draw, index: int) -> tuple[list[str], set[str]]:
    """A project stage two times in three, else a stage of random instructions."""
    if draw(st.integers(min_value=0, max_value=2)) > 0:
        return draw(project_stages(index))
    image = draw(st.sampled_from(IMAGES))
    platform = draw(st.sampled_from(("", "", "--platform=$BUILDPLATFORM ")))
    name = draw(
        st.sampled_from(("", "", " AS build", " as build", " AS deps", f" AS stage{index}"))
    )
    lines = [f"{_case(draw, 'FROM')} {platform}{image}{name}"]
    lines += draw(st.lists(instructions(), max_size=8))
    return lines, set()


@st.composite
def dockerfiles(draw) -> tuple[str, set[str]]:
    """A Dockerfile, and the context files its project stages would want."""
    lines: list[str] = []
    wanted: set[str] = set()
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(("# syntax=docker/dockerfile:1", "# escape=`"))))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(("ARG NODE_VERSION=20", "ARG BASE=debian", "# hello"))))
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        if lines and draw(st.booleans()):
            lines.append("")
        stage, files = draw(stages(index))
        lines.extend(stage)
        wanted |= files
    text = "\n".join(lines)
    if "# escape=`" in text.split("\n", 1)[0]:
        text = text.replace("\\\n", "`\n")
    text += draw(st.sampled_from(("\n", "\n", "")))
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        text = text.replace("\n", "\r\n")
    return text, wanted


#: No build context, or the files the project stages want plus a few others.
context_choices = st.one_of(
    st.none(), st.lists(st.sampled_from(sorted(CONTEXT_FILES)), max_size=4, unique=True)
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(generated=dockerfiles(), extra=context_choices)
def test_fixing_a_generated_dockerfile_keeps_every_invariant(
    generated: tuple[str, set[str]], extra: list[str] | None
) -> None:
    source, wanted = generated
    if extra is None:
        for unsafe in (False, True):
            check_fix_invariants(source, None, unsafe=unsafe)
        return
    with tempfile.TemporaryDirectory() as folder:
        context = Path(folder)
        for name in sorted(wanted | set(extra)):
            path = context / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(CONTEXT_FILES[name])
        for unsafe in (False, True):
            check_fix_invariants(source, context, unsafe=unsafe)
