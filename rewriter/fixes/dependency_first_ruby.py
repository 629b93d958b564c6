"""DF101's inputs for Ruby's bundler: what ``bundle install`` reads, and when to refuse.

Split from ``dependency_first_inputs`` (which dispatches to :func:`plan_bundler`) because a
Gemfile is Ruby: deciding whether it reads project files other than the manifests takes a small
reader of its statements, and bundler's settings come from flags, ``BUNDLE_*`` variables,
``bundle config set`` in the same RUN and ``.bundle/config``.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from rewriter.fixes.dependency_first_inputs import (  # the planners' shared helpers
    Inputs,
    NotNeeded,
    Refusal,
    _Context,
    _image_relative,
    _missing,
    _present,
    _words,
)
from rewriter.rules.base import Applicability

if TYPE_CHECKING:
    from rewriter.fixes.dependency_first_scan import DependencyStep

# -- bundler ---------------------------------------------------------------------------
#
# What ``bundle install`` reads (bundler's man pages, bundle-install(1), bundle-config(1),
# gemfile(5)): the Gemfile (BUNDLE_GEMFILE or --gemfile may name another), Gemfile.lock next to
# it, the local config ``<project>/.bundle/config`` (``$BUNDLE_APP_CONFIG/config`` instead when
# that is set), gems cached in ``vendor/cache`` (which it also updates), and whatever the
# Gemfile's Ruby reads (``gemspec``, ``path:`` gems, ``eval_gemfile``, ``ruby file:``...). It
# writes into the project: Gemfile.lock (unless frozen), the remembered flags into
# ``.bundle/config``, the gems under a relative install path (``--path``, BUNDLE_PATH,
# ``vendor/bundle`` in deployment mode), binstubs (``--binstubs``) and ``--standalone``'s bundle.

#: The install flags dfopt knows (any other is refused); those that move what the install reads
#: or writes are judged one by one.
_BUNDLE_FLAGS = frozenset(
    {"--jobs", "-j", "--retry", "--quiet", "--verbose", "--no-color", "--full-index", "--force",
     "--redownload",
     "--trust-policy", "--with", "--without", "--clean", "--no-prune", "--shebang", "--system",
     "--no-cache", "--frozen", "--deployment", "--path", "--gemfile", "--local", "--prefer-local",
     "--binstubs", "--standalone"}
)  # fmt: skip
#: Flags bundler 2 remembers by writing them into the local config (``.bundle/config``).
_BUNDLE_REMEMBERED = frozenset(
    {"--path", "--deployment", "--frozen", "--without", "--with", "--system", "--clean",
     "--no-cache", "--no-prune", "--shebang"}
)  # fmt: skip
_BUNDLE_VALUED = frozenset(
    {"--jobs", "-j", "--retry", "--path", "--gemfile", "--with", "--without", "--shebang",
     "--trust-policy"}
)  # fmt: skip
#: Settings (env or local config) that move what the install reads or writes.
_BUNDLE_SETTINGS = ("BUNDLE_GEMFILE", "BUNDLE_APP_CONFIG", "BUNDLE_PATH", "BUNDLE_DEPLOYMENT",
                    "BUNDLE_FROZEN", "BUNDLE_CACHE_PATH", "BUNDLE_BIN")  # fmt: skip
_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
#: Settings markers: the RUN writes the local config itself (``bundle config set``); a
#: ``bundle config`` that sets nothing.
_CONFIG_WRITTEN = "bundle config set"
_CONFIG_NONE = "bundle config get"
_VERSION_FILES = frozenset({".ruby-version", ".tool-versions"})
_BUNDLE_CONFIG_LINE = re.compile(r"""^\s*(BUNDLE_[A-Z0-9_]+)\s*:\s*["']?(.*?)["']?\s*$""")


def plan_bundler(step: DependencyStep, ctx: _Context | None) -> Inputs | Refusal | NotNeeded:
    if step.action.tool != "bundle" or step.action.subcommand != "install":
        return Refusal(f"dfopt has no dependency-first rewrite for `{step.text}` yet")
    flags = _bundle_flags(step)
    if isinstance(flags, Refusal):
        return flags
    settings = _bundle_env(step)
    if isinstance(settings, Refusal):
        return settings
    refusal = _bundle_flag_refusal(step, flags, settings, ctx)
    if refusal is not None:
        return refusal
    if ctx is None:
        return _bundle_without_context(step, flags, settings)
    return _bundle_with_context(step, flags, settings, ctx)


def _bundle_flags(step: DependencyStep) -> dict[str, str] | Refusal:
    """The install's options (``--path=x`` and ``--path x`` alike), or why they are refused."""
    words = _words(step)
    at = next((i for i, w in enumerate(words) if w == "install"), len(words))
    found: dict[str, str] = {}
    rest = words[at + 1 :]
    k = 0
    while k < len(rest):
        word = rest[k]
        name, eq, value = word.partition("=")
        if re.fullmatch(r"-j\d+", word):  # -j4
            name, eq, value = "-j", "=", word[2:]
        if not word.startswith("-") or name not in _BUNDLE_FLAGS:
            return Refusal(f"dfopt does not know what `{word}` makes `bundle install` read")
        k += 1
        if name in _BUNDLE_VALUED and not eq and k < len(rest):
            value = rest[k]
            k += 1
        if name in ("--with", "--without"):  # an array option: the groups run to the next flag
            while k < len(rest) and not rest[k].startswith("-"):
                value += " " + rest[k]
                k += 1
        found[name] = value
    return found


def _bundle_env(step: DependencyStep) -> dict[str, str] | Refusal:
    """The ``BUNDLE_*`` settings from ENV, the install's ``NAME=value`` prefixes and the
    ``bundle config`` commands before it in the same RUN; a refusal when one of them has a value
    dfopt cannot read, or the RUN changes settings in a way dfopt does not follow (``export``,
    ``bundle config unset``)."""
    variables = dict(getattr(step.state, "variables", None) or {})
    for word in step.action.command.assignments:
        name, _, _ = word.raw.partition("=")
        variables[name] = word.value.partition("=")[2] if word.value is not None else None
    local: dict[str, str] = {}
    for cmd, action in step.commands:
        if cmd is step.action.command:
            break
        text = " ".join(w.raw for w in cmd.words)
        if any("BUNDLE_" in w.raw for w in cmd.words):
            return Refusal(f"the RUN sets bundler settings itself (`{text}`) before the install")
        if action is not None and action.tool == "bundle" and action.subcommand == "config":
            setting = _bundle_config_set([w.value for w in cmd.words])
            if setting is None:
                return Refusal(f"dfopt does not follow `{text}` before the install")
            name, value, is_local = setting
            if is_local:
                local[name] = value
            elif name not in variables:
                variables[name] = value  # the global config: the environment wins over it
    if local:
        # Written to the local config, which the install reads wherever it is, and which
        # the COPY after the install could replace (``_bundle_with_context`` checks).
        variables.update(local)
        variables[_CONFIG_WRITTEN] = "1"
    settings: dict[str, str] = {}
    for name in (*_BUNDLE_SETTINGS, _CONFIG_WRITTEN):
        if name not in variables:
            continue
        value = variables[name]
        if value is not None and "$" in value:
            value = None  # a variable the model could not expand
        if value is None and name == "BUNDLE_APP_CONFIG":
            # The official ruby images set it (to /usr/local/bundle); dfopt's image table marks
            # it set with an unknown value. Where it points is handled by ``_bundle_config_dir``.
            settings[name] = ""
            continue
        if value is None:
            return Refusal(f"{name} is set to a value dfopt cannot read")
        settings[name] = value
    return settings


def _bundle_config_set(words: list[str | None]) -> tuple[str, str, bool] | None:
    """``bundle config [set] [--local|--global] NAME VALUE`` as (``BUNDLE_NAME``, value, local);
    a read-only ``bundle config [get] [NAME]`` as a setting of nothing; None for anything else
    (``unset``, ``--delete``, values dfopt cannot read)."""
    if any(w is None for w in words):
        return None
    rest = [w for w in words[2:] if w is not None]
    if rest and (rest[0] == "unset" or "--delete" in rest):
        return None
    if not rest or rest[0] in ("list", "get") or (len(rest) == 1 and not rest[0].startswith("-")):
        return (_CONFIG_NONE, "", False)
    if rest[0] == "set":
        rest = rest[1:]
    is_local = True
    if rest and rest[0] in ("--local", "--global"):
        is_local = rest[0] == "--local"
        rest = rest[1:]
    if len(rest) < 2 or rest[0].startswith("-"):
        return None
    name = "BUNDLE_" + rest[0].upper().replace(".", "__").replace("-", "_")
    return name, " ".join(rest[1:]), is_local


def _bundle_config_dir(step: DependencyStep, settings: dict[str, str]) -> str | None:
    """The folder of the local config relative to the project (``.bundle``), None when it is
    outside the project. An unknown BUNDLE_APP_CONFIG counts as ``.bundle``: copying a
    ``.bundle/config`` that the install does not read changes nothing, and refusing remembered
    flags when the context holds ``.bundle`` covers the case where it does."""
    value = settings.get("BUNDLE_APP_CONFIG")
    if not value:
        return ".bundle"
    if "$" in value or value.startswith("~"):
        return ".bundle"
    if not value.startswith("/"):
        return posixpath.normpath(value)
    return _image_relative(step, value)


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


def _bundle_flag_refusal(
    step: DependencyStep, flags: dict[str, str], settings: dict[str, str], ctx: _Context | None
) -> Refusal | None:
    gemfile = flags.get("--gemfile", settings.get("BUNDLE_GEMFILE"))
    if gemfile is not None and _image_relative(step, gemfile) != "Gemfile":
        source = "--gemfile" if "--gemfile" in flags else "BUNDLE_GEMFILE"
        return Refusal(f"{source} names another Gemfile (`{gemfile}`)")
    for flag, what in (("--binstubs", "binstubs"), ("--standalone", "a standalone bundle")):
        if flag in flags:
            return Refusal(
                f"`{flag}` writes {what} into the project, which the `COPY` after the install"
                " could overwrite"
            )
    if "BUNDLE_BIN" in settings:
        return Refusal("BUNDLE_BIN makes the install write binstubs, which the COPY could replace")
    if "BUNDLE_CACHE_PATH" in settings:
        return Refusal("BUNDLE_CACHE_PATH names a gem cache folder that the install reads")
    if ctx is None and ({"--local", "--prefer-local"} & set(flags)):
        flag = "--local" if "--local" in flags else "--prefer-local"
        return Refusal(
            f"`{flag}` installs from vendor/cache, which dfopt can only check with the build"
            " context"
        )
    return None


def _bundle_install_path(
    step: DependencyStep, flags: dict[str, str], settings: dict[str, str]
) -> str | Refusal | None:
    """Where the gems go when that is inside the project (relative to it), else None."""
    path = flags.get("--path") or settings.get("BUNDLE_PATH")
    if path is None and ("--deployment" in flags or _truthy(settings.get("BUNDLE_DEPLOYMENT"))):
        path = "vendor/bundle"
    if not path:
        return None
    if "$" in path or path.startswith("~"):
        return Refusal(f"the install path `{path}` is not a plain folder dfopt can check")
    if not path.startswith("/"):
        return posixpath.normpath(path)
    return _image_relative(step, path)


def _bundle_frozen(flags: dict[str, str], settings: dict[str, str]) -> bool:
    return bool({"--frozen", "--deployment"} & set(flags)) or any(
        _truthy(settings.get(name)) for name in ("BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT")
    )


def _bundle_without_context(
    step: DependencyStep, flags: dict[str, str], settings: dict[str, str]
) -> Inputs | Refusal:
    inside = _bundle_install_path(step, flags, settings)
    if isinstance(inside, Refusal):
        return inside
    notes = [
        "without the build context dfopt cannot read the Gemfile (`gemspec`, `path:` gems,"
        " `eval_gemfile`, `ruby file:` read other files), .bundle/config or vendor/cache: check"
        " them, or run dfopt with --context"
    ]
    if not _bundle_frozen(flags, settings):
        notes.append(
            f"`{step.text}` may rewrite Gemfile.lock; after this fix the image keeps the"
            " context's copy instead"
        )
    if inside is not None:
        notes.append(f"the gems go to {inside} in the project: keep it out of the build context")
    if _BUNDLE_REMEMBERED & set(flags) or _CONFIG_WRITTEN in settings:
        notes.append(
            "the install writes the local config (.bundle/config unless BUNDLE_APP_CONFIG"
            " moves it): keep .bundle out of the build context"
        )
    return Inputs(
        ("Gemfile", "Gemfile.lock*"),
        required=("Gemfile",),
        applicability=Applicability.UNSAFE,
        notes=tuple(notes),
    )


def _bundle_with_context(
    step: DependencyStep, flags: dict[str, str], settings: dict[str, str], ctx: _Context
) -> Inputs | Refusal:
    if ctx.sent_file("gems.rb") or ctx.sent_file("gems.locked"):
        return Refusal(
            "the project has gems.rb/gems.locked, which bundler may read instead of the Gemfile"
        )
    if not ctx.sent_file("Gemfile"):
        return _missing(ctx, "Gemfile")
    config_dir = _bundle_config_dir(step, settings)
    # An unknown BUNDLE_APP_CONFIG (the official images') may point elsewhere: then the project's
    # config is not read, so it may add guards (an install path) but never make the fix safe.
    trusted = "BUNDLE_APP_CONFIG" not in settings or bool(settings["BUNDLE_APP_CONFIG"])
    config_files: tuple[str, ...] = ()
    merged = settings
    if config_dir is not None and ctx.sent_file(f"{config_dir}/config"):
        config_files = (posixpath.normpath(f"{config_dir}/config"),)
        local = _bundle_local_config(ctx.read(config_files[0]) or "")
        for name in ("BUNDLE_GEMFILE", "BUNDLE_APP_CONFIG", "BUNDLE_CACHE_PATH", "BUNDLE_BIN"):
            if name in local:
                return Refusal(f"{config_files[0]} sets {name}, which dfopt does not follow")
        merged = {**settings, **local}  # the local config wins over the environment
    outputs: tuple[str, ...] = ("vendor/cache",)
    for view in (settings, merged):
        inside = _bundle_install_path(step, flags, view)
        if isinstance(inside, Refusal):
            return inside
        if inside in (".", ""):
            return Refusal("the install path is the project folder itself")
        outputs += (inside,) if inside else ()
    if config_dir is not None and (_BUNDLE_REMEMBERED & set(flags) or _CONFIG_WRITTEN in settings):
        outputs += (config_dir,)
    for name in outputs:
        if ctx.sent(name):
            why = {
                "vendor/cache": "cached gems the install reads and adds to",
                config_dir: "the local config, where the install remembers its flags",
            }.get(name, "the folder the gems are installed into")
            return Refusal(
                f"the build context holds {ctx.rel(name)} ({why}): copied after the install it"
                " would replace what the install wrote; add it to `.dockerignore`"
            )
    gemfile = _gemfile_reads(ctx.read("Gemfile") or "")
    if isinstance(gemfile, Refusal):
        return Refusal(f"{ctx.rel('Gemfile')} {gemfile.reason}")
    extra: list[str] = []
    for name in gemfile:
        if not ctx.sent_file(name):
            return _missing(ctx, name)
        extra.append(name)
    lock = ctx.read("Gemfile.lock") if ctx.sent_file("Gemfile.lock") else None
    if lock is not None and re.search(r"^PATH\s*$", lock, re.MULTILINE):
        return Refusal(f"{ctx.rel('Gemfile.lock')} installs gems from a local folder (PATH)")
    files = ("Gemfile", *_present(ctx, ("Gemfile.lock",)), *extra, *config_files)
    unsafe = lock is not None and not _bundle_frozen(flags, merged if trusted else settings)
    note = (
        f"`{step.text}` may rewrite Gemfile.lock; after this fix the image keeps the context's"
        " copy instead: use `--frozen` or BUNDLE_FROZEN=1 to make this fix safe"
    )
    return Inputs(
        files,
        required=files,
        applicability=Applicability.UNSAFE if unsafe else Applicability.SAFE,
        notes=(note,) if unsafe else (),
    )


def _bundle_local_config(text: str) -> dict[str, str]:
    """The ``BUNDLE_*: value`` settings of a ``.bundle/config`` (a flat YAML mapping)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _BUNDLE_CONFIG_LINE.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


# The Gemfile is Ruby. Rather than guess what arbitrary code reads, dfopt accepts only the
# declarative statements of gemfile(5) and refuses everything else, with the statement.
_GEMFILE_STATEMENTS = frozenset(
    {"source", "gem", "group", "platforms", "platform", "ruby", "git_source", "git", "github",
     "install_if", "end", "if", "unless", "else", "elsif"}
)  # fmt: skip
_GEMFILE_READERS = {
    "gemspec": "reads the project's *.gemspec (and what it requires), which are sources",
    "path": "installs gems from a local folder",
    "eval_gemfile": "evaluates another Gemfile",
    "require": "loads other Ruby files",
    "require_relative": "loads other Ruby files",
    "load": "loads other Ruby files",
}
_GEMFILE_CODE = re.compile(
    r"\b(File|Dir|IO|Pathname|Kernel|YAML|JSON|ERB|__dir__|__FILE__|system|exec|spawn|open|"
    r"eval|instance_eval|load|require|require_relative|eval_gemfile|gemspec)\b|`|%x|<<[~-]?\w"
)
_GEMFILE_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_GEMFILE_WORDS = re.compile(r"%[wiWI]\s*(\[[^\]]*\]|\([^)]*\)|\{[^}]*\})")
_GEMFILE_OPTION = re.compile(r"""(?:(\w+):(?!:)|:(\w+)\s*=>)\s*("(?:[^"\\]|\\.)*"|'[^']*')?""")


def _gemfile_reads(text: str) -> list[str] | Refusal:
    """The files besides itself that the Gemfile reads (a version file named by ``ruby file:``),
    or why dfopt cannot tell."""
    files: list[str] = []
    in_git_source = False  # inside ``git_source(:name) do |repo| ... end``: it builds a URL
    for number, statement in _gemfile_statements(text):
        shown = statement if len(statement) <= 60 else statement[:57] + "..."
        strings = _GEMFILE_STRING.findall(statement)
        code = _GEMFILE_WORDS.sub("[]", _GEMFILE_STRING.sub('""', statement))
        code += " " + " ".join(re.findall(r"#\{([^}]*)\}", " ".join(strings)))
        head = re.match(r"[A-Za-z_]\w*[?!]?", code)
        name = head.group(0) if head else ""
        if name in _GEMFILE_READERS:
            return Refusal(f"line {number}: `{shown}` {_GEMFILE_READERS[name]}")
        if in_git_source:
            in_git_source = name != "end"
        elif name not in _GEMFILE_STATEMENTS and not code.startswith("}"):
            return Refusal(f"line {number}: `{shown}` runs Ruby that dfopt does not read")
        elif name == "git_source" and re.search(r"\bdo\s*(\|[^|]*\|)?\s*$", statement):
            in_git_source = True
        for match in _GEMFILE_OPTION.finditer(statement):
            option, value = match.group(1) or match.group(2), (match.group(3) or "")[1:-1]
            if option == "path":
                return Refusal(f"line {number}: `{shown}` installs a gem from a local folder")
            if option == "git" and not _remote(value):
                return Refusal(f"line {number}: `{shown}` installs a gem from a local repository")
            if option == "file" and name == "ruby":
                if value not in _VERSION_FILES:
                    return Refusal(f"line {number}: `{shown}` reads {value or 'a file'}")
                files.append(value)
        cleaned = re.sub(r"(?:\brequire:|:require\s*=>)", "", code)
        if _GEMFILE_CODE.search(cleaned):
            return Refusal(f"line {number}: `{shown}` runs Ruby that may read other files")
        if name in ("source", "git") and strings and not _remote(strings[0][1:-1]):
            return Refusal(f"line {number}: `{shown}` reads gems from a local folder")
    return files


def _remote(value: str) -> bool:
    """A source on the network (``file://`` and plain paths are local folders)."""
    return re.match(r"(https?|git|ssh)://", value) is not None or value.startswith("git@")


def _gemfile_statements(text: str) -> list[tuple[int, str]]:
    """The Gemfile's statements without comments, continuation lines joined, with the line
    number each starts on."""
    statements: list[tuple[int, str]] = []
    pending, start, depth = "", 0, 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        if not line and not pending:
            continue
        if not pending:
            start = number
        pending = f"{pending} {line}".strip()
        depth = sum(pending.count(c) for c in "([{") - sum(pending.count(c) for c in ")]}")
        if (depth > 0 and not pending.endswith(("do", "}"))) or pending.endswith((",", "\\")):
            continue
        statements.append((start, pending.rstrip("\\").strip()))
        pending = ""
    if pending:
        statements.append((start, pending))
    return statements


def _strip_comment(line: str) -> str:
    """``line`` up to a ``#`` that starts a comment (not one inside a string)."""
    quote = ""
    k = 0
    while k < len(line):
        c = line[k]
        if quote:
            if c == "\\":
                k += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":
            return line[:k]
        k += 1
    return line
