"""Each fast path of the lint hot loop gives exactly what the general path gives.

The fast paths skip work that cannot change a result (a one-scan precheck before many regex
scans, an early return when nothing can match). These tests compare them with the general
code over every word of the corpus and over generated inputs.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse import secrets

ROOT = Path(__file__).resolve().parent.parent.parent


def _corpus_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus").rglob("*")):
        if path.is_file() and "Dockerfile" in path.name:
            try:
                texts.append(path.read_bytes().decode("utf-8"))
            except UnicodeDecodeError:
                continue
    return texts


def _corpus_words() -> list[str]:
    words: set[str] = set()
    for text in _corpus_texts():
        words.update(text.split())
        words.update(text.splitlines())
    return sorted(words)


# Pieces of every secret shape, so that generated text often comes close to (or is) a secret.
_PIECES = [
    "ghp_",
    "github_pat_",
    "AKIA",
    "ASIA",
    "glpat-",
    "xoxb-",
    "sk_live_",
    "rk_live_",
    "npm_",
    "AIza",
    "hf_",
    "pypi-AgE",
    "sk-",
    "sk-proj-",
    "eyJ",
    ".",
    "-----BEGIN ",
    "RSA ",
    "PRIVATE KEY",
    " BLOCK",
    "-----",
    "https://",
    "user",
    ":",
    "@",
    "host",
    "$",
    "'",
    '"',
    " ",
    "/",
    "_",
    "-",
    "A" * 16,
    "a1B2" * 9,
    "Z9" * 26,
]
_TEXT = st.lists(st.sampled_from(_PIECES) | st.text(max_size=4), max_size=12).map("".join)


def test_secret_precheck_agrees_over_the_corpus() -> None:
    for word in _corpus_words():
        assert secrets.find_secret_values(word) == secrets._secret_values(word), word


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_secret_precheck_agrees_on_generated_text(text: str) -> None:
    assert secrets.find_secret_values(text) == secrets._secret_values(text)
    if secrets._ANY_SHAPE.search(text) is None:
        assert secrets._secret_values(text) == []


def test_secret_precheck_sees_every_shape() -> None:
    samples = [
        "ghp_" + "a" * 36,
        "AKIA" + "A" * 16,
        "glpat-" + "a" * 20,
        "xoxb-" + "1" * 10,
        "sk_live_" + "a" * 16,
        "npm_" + "a" * 36,
        "AIza" + "a" * 35,
        "hf_" + "a" * 30,
        "pypi-AgE" + "a" * 50,
        "sk-" + "a" * 32,
        "eyJabcdefgh.eyJabcdefgh.sig",
        "-----BEGIN RSA PRIVATE KEY-----abc",
        "https://user:pw@host",
    ]
    for sample in samples:
        assert secrets.find_secret_values(sample), sample
        assert re.search(secrets._ANY_SHAPE, sample)


def _corpus_contexts():
    """A RuleContext for every parseable corpus file, with and without its build context."""
    from rewriter.parser import ParseError, parse
    from rewriter.rules.context import RuleContext

    for path in sorted((ROOT / "corpus").rglob("*")):
        if not (path.is_file() and "Dockerfile" in path.name):
            continue
        try:
            text = path.read_bytes().decode("utf-8")
            tree = parse(text)
        except (UnicodeDecodeError, ParseError):
            continue
        for context_dir in (path.parent, None):
            yield RuleContext(text, tree, path=str(path), context_dir=context_dir)


def test_dependency_step_reuses_model_actions_exactly() -> None:
    from rewriter.fixes.dependency_first_scan import dependency_step

    checked = 0
    for ctx in _corpus_contexts():
        model = ctx.model
        runs = {run.instruction: run for run in model.runs()}
        for inst in ctx.tree.instructions:
            if inst not in runs:
                continue
            state = model.state_of(inst)
            assert dependency_step(inst, state, runs[inst]) == dependency_step(inst, state)
            checked += 1
    assert checked > 100


def _find_dockerignore_reference(context_dir, dockerfile_path=None):
    """``find_dockerignore`` as written with pathlib only (the general path)."""
    context = Path(context_dir)
    dockerfile = Path(dockerfile_path) if dockerfile_path is not None else context / "Dockerfile"
    specific = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if specific.is_file():
        return specific
    generic = context / ".dockerignore"
    if generic.is_file():
        return generic
    return None


def test_find_dockerignore_fast_path_agrees(tmp_path, monkeypatch) -> None:
    from rewriter.analyse.context.dockerignore import find_dockerignore

    folders = sorted({p.parent for p in (ROOT / "corpus").rglob("*Dockerfile*")})
    layouts = {
        "none": [],
        "generic": [".dockerignore"],
        "specific": ["Dockerfile.dockerignore"],
        "both": [".dockerignore", "Dockerfile.dockerignore"],
    }
    for name, files in layouts.items():
        folder = tmp_path / name
        folder.mkdir()
        for file in files:
            (folder / file).write_text("x\n")
        folders.append(folder)
    odd = tmp_path / "dirs"
    (odd / ".dockerignore").mkdir(parents=True)
    (odd / "Dockerfile.dockerignore").mkdir()
    folders.append(odd)
    link = tmp_path / "link"
    link.mkdir()
    (link / ".dockerignore").symlink_to(tmp_path / "generic" / ".dockerignore")
    folders.append(link)
    monkeypatch.chdir(tmp_path)
    for folder in folders:
        for form in (folder, str(folder), str(folder) + "/", str(folder) + "//"):
            assert find_dockerignore(form) == _find_dockerignore_reference(form), form
    for form in ("generic", "generic/", "./generic", "none", "", "."):
        assert find_dockerignore(form) == _find_dockerignore_reference(form), form


def _secret_kind_reference(path: str) -> str | None:
    """DF203's ``secret_kind`` with one ``fnmatchcase`` per pattern (the general path)."""
    import fnmatch
    import posixpath

    from rewriter.rules.checks import secret_file_copied as df203

    clean = path.rstrip("/")
    base = posixpath.basename(clean)
    if not base or df203._HARMLESS.search(base):
        return None
    for pattern in df203.SECRET_FILES:
        if fnmatch.fnmatchcase(base, pattern):
            if pattern in ("*.pem", "*.key") and df203._PUBLIC_PEM.search(base):
                return None
            return base if "*" not in pattern else f"{pattern} file"
    if base in df203.SECRET_DIRS:
        return f"the {base} folder"
    for suffix in df203.SECRET_PATHS:
        if clean == suffix or clean.endswith("/" + suffix):
            return suffix
    return None


_NAME_PIECES = [
    ".npmrc",
    ".netrc",
    "_netrc",
    ".pypirc",
    ".git-credentials",
    ".env",
    ".htpasswd",
    "id_rsa",
    "id_ed25519",
    "credentials",
    ".json",
    ".pem",
    ".key",
    ".p12",
    ".pfx",
    ".",
    "ca",
    "cert",
    "-",
    "_",
    "/",
    ".ssh",
    ".aws",
    ".docker",
    "config.json",
    "config",
    ".kube",
    ".m2/settings-security.xml",
    ".example",
    ".pub",
    "\n",
    "[",
    "]",
    "*",
    "?",
]
_NAME = st.lists(st.sampled_from(_NAME_PIECES) | st.text(max_size=3), max_size=6).map("".join)


def test_secret_file_precheck_agrees() -> None:
    from rewriter.rules.checks.secret_file_copied import secret_kind

    names = {str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if ".git/" not in str(p)}
    names.update(_corpus_words())
    for name in sorted(names):
        assert secret_kind(name) == _secret_kind_reference(name), name


@settings(max_examples=500, deadline=None)
@given(_NAME)
def test_secret_file_precheck_agrees_on_generated_names(name: str) -> None:
    from rewriter.rules.checks.secret_file_copied import secret_kind

    assert secret_kind(name) == _secret_kind_reference(name)


def _expand_known_reference(word: str, variables: dict[str, str], escape: str) -> str | None:
    from rewriter.analyse.expand import ExpansionError, expand

    try:
        result = expand(word, variables, escape)
    except ExpansionError:
        return None
    return None if result.unmatched else result.value


class _State:
    def __init__(self, variables: dict[str, str]) -> None:
        self.variables = variables

    def known_variables(self) -> dict[str, str]:
        return dict(self.variables)


_WORD = st.text(alphabet=st.sampled_from("ab./-_*?[]{}~`\\$'\" \t\n=:@é0"), max_size=10)


def test_plain_words_skip_expansion_over_the_corpus() -> None:
    from rewriter.fixes.dependency_first_scan import _is_plain, expand_known

    state = _State({"HOME": "/root"})
    plain = 0
    for word in [*_corpus_words(), ""]:
        for escape in ("\\", "`"):
            if _is_plain(word, escape):
                plain += 1
            expected = _expand_known_reference(word, state.known_variables(), escape)
            assert expand_known(word, state, escape) == expected, word
    assert plain > 100


@settings(max_examples=500, deadline=None)
@given(_WORD, st.sampled_from(["\\", "`"]))
def test_plain_words_skip_expansion_on_generated_words(word: str, escape: str) -> None:
    from rewriter.fixes.dependency_first_scan import expand_known

    state = _State({"A": "x"})
    expected = _expand_known_reference(word, state.known_variables(), escape)
    assert expand_known(word, state, escape) == expected


def test_dependency_first_reads_copies_only_when_a_step_needs_them(monkeypatch) -> None:
    from rewriter.fixes import dependency_first

    contexts = list(_corpus_contexts())
    lazy = [dependency_first.find_problems(ctx) for ctx in contexts]
    monkeypatch.setattr(dependency_first._Finder, "read_every_copy", True)
    eager = [dependency_first.find_problems(ctx) for ctx in contexts]
    assert lazy == eager
    assert sum(len(p) for p in lazy) > 20


def _marker_holds(text: str) -> None:
    """Every match of any shape contains a marker, so no marker means nothing to find."""
    for match in secrets._ANY_SHAPE.finditer(text):
        assert secrets._MARKERS.search(match.group()), (text, match.group())
    if secrets._MARKERS.search(text) is None:
        assert secrets._ANY_SHAPE.search(text) is None
        assert secrets._secret_values(text) == []


def test_secret_markers_are_in_every_match_of_the_corpus() -> None:
    for word in _corpus_words():
        _marker_holds(word)


@settings(max_examples=600, deadline=None)
@given(_TEXT)
def test_secret_markers_are_in_every_match_of_generated_text(text: str) -> None:
    _marker_holds(text)


def test_each_shape_has_its_marker() -> None:
    # One sample per shape (and per alternative inside a shape): the marker scan finds each.
    samples = [
        "ghp_" + "a" * 36, "gho_" + "a" * 36, "ghu_" + "a" * 36, "ghs_" + "a" * 36,
        "ghr_" + "a" * 36, "github_pat_" + "a" * 22, "AKIA" + "A" * 16, "ASIA" + "A" * 16,
        "glpat-" + "a" * 20, *("xox" + c + "-" + "1" * 10 for c in "abposr"),
        "sk_live_" + "a" * 16, "rk_live_" + "a" * 16, "npm_" + "a" * 36, "AIza" + "a" * 35,
        "hf_" + "a" * 30, "pypi-AgE" + "a" * 50, "sk-" + "a" * 32, "sk-proj-" + "a" * 32,
        "eyJabcdefgh.eyJabcdefgh.sig", "-----BEGIN PRIVATE KEY-----x", "a://b:c@d",
    ]  # fmt: skip
    assert len(samples) >= len(secrets._VALUE_SHAPES) + 1
    for sample in samples:
        assert secrets._secret_values(sample), sample
        _marker_holds(sample)
