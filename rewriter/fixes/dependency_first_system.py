"""Whether a RUN between the broad COPY and the install only sets up the system.

(Tool installs from a registry, ``pip install --upgrade pip`` and the like, are judged by
``dependency_first_tools``; this module checks where they write.)

Why this may run before the sources arrive: ``apt-get install curl``, ``apk add``, ``dnf
install``, their index updates and cache cleanups, ``useradd``/``groupadd`` and ``mkdir`` of
system folders neither read the copied sources nor write where the COPY puts them. Moving the
broad COPY below such a RUN therefore builds the same image, and DF101's rewrite may go ahead.

Why it is so strict: a RUN is shell code, and the rewrite is only safe when *nothing* in it can
see or change the COPY's destination or the WORKDIR. So every simple command must be one we know
(a system package manager's install, update or cleanup, an account command, ``mkdir``/``rm`` of
absolute paths, a shell builtin that writes no file), every word must be static (or expand from
known variables), no word may be a relative path (an operand of ``test``/``[`` is a path) or
an unquoted pattern the shell may match against the WORKDIR's files (``flask[async]``), no
absolute path may overlap the protected folders, and a nested command must run just as it
would at the top level: only ``{ }`` and ``( )`` groups may hold it, with no redirection and
not in a pipeline or in the background (loops, conditions, substitutions and function bodies
change when or how often it runs). The shell must read no startup file (a login shell,
bash's ``BASH_ENV``, zsh's ``ZDOTDIR``), no ``--mount`` may cover the protected folders or
set a variable from a secret, and a tool install must run a program from outside them, as a
user whose HOME is known, with no tool configuration written earlier in the stage. Anything
else returns the reason, which DF101 puts in its message.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Any

from rewriter.analyse.packages import CLEANUP, DEPENDENCY_INSTALL, INDEX_UPDATE
from rewriter.fixes.dependency_first_scan import is_within, known_dir, mounts
from rewriter.fixes.dependency_first_tools import is_tool_command, tool_install_blocker

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rewriter.analyse.shell import Command, Redirect, Word
    from rewriter.parser import Instruction

#: Package managers of the operating system (``PackageAction.ecosystem``).
SYSTEM_ECOSYSTEMS = frozenset({"deb", "apk", "rpm"})
#: What a system package command may do: no ``download``/``source``, which write into the
#: working directory.
SYSTEM_KINDS = frozenset({INDEX_UPDATE, DEPENDENCY_INSTALL, CLEANUP})
#: Commands that create or change users and groups (they write /etc and the new home).
ACCOUNT_COMMANDS = frozenset({"useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod"})
#: Commands that touch only the paths named in their arguments (checked one by one).
PATH_COMMANDS = frozenset({"mkdir", "rm", "mv", "ldconfig", "update-ca-certificates"})
#: Builtins that write nothing but standard output (``[``/``test`` only look at metadata).
QUIET_COMMANDS = frozenset({"set", "true", ":", "echo", "printf", "export", "[", "test"})
#: Folders a package install or an account command writes anywhere below: a COPY into (or
#: above) one of them may meet files the RUN writes.
SYSTEM_TREES = (
    "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev", "/proc",
    "/sys", "/run", "/tmp", "/root", "/var", "/opt", "/srv",
    "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32",
    "/usr/libexec", "/usr/share", "/usr/include", "/usr/local", "/usr/games",
)  # fmt: skip
#: The system's bin folders on PATH: the prefixes they stand for are in ``TOOL_TREES``.
_SYSTEM_BINS = frozenset(
    {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}
)
#: Folders a tool install (pip, npm -g, corepack) writes below, besides HOME and its PATH.
TOOL_TREES = ("/usr/local", "/usr/lib", "/usr/lib64", "/usr/bin", "/usr/share", "/tmp", "/root")
#: Folders packages write new entries into (``/usr/src/linux-headers-*``, ``/home/<user>``):
#: only a COPY into the folder itself, or above it, may meet them.
SYSTEM_PARENTS = ("/usr/src", "/home")
#: Shells whose ``-c`` script the shell parser reads as written.
POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
#: Options of the account commands that name the new user's home.
_HOME_OPTIONS = frozenset({"-d", "--home-dir", "--home", "-h"})
#: Compound commands that run their body once, in place: a command nested only in these (with
#: no redirection, not piped or in the background) runs as it would at the top level.
_PLAIN_GROUPS = frozenset({"brace_group", "subshell"})
#: What names (or writes) pip's configuration, and that of npm, yarn, pnpm and corepack.
_PIP_CONFIG_NAMES = ("pip.conf", "pip.ini", "pip config", "PIP_CONFIG_FILE")
_NODE_CONFIG_NAMES = (
    "npmrc", "yarnrc", "npm config", "yarn config", "pnpm config", "pnpm/rc", ".corepack.env",
)  # fmt: skip
#: Letters of the shell options ``SHELL`` may pass that read no startup file (``-c``, ``-e``,
#: ``-u``, ``-x``, ``-v``, ``-o pipefail``'s ``o``...; not ``-l``/``-i``).
_SHELL_FLAG_LETTERS = frozenset("ceuxvonfaCEhBHPT")
#: Words of ``test``/``[`` that are operators, not operands.
_TEST_OPERATORS = frozenset({"!", "]", "=", "==", "!=", "(", ")", "<", ">"})
#: Redirection targets that are no file under the WORKDIR.
_FD_TARGETS = ("/dev/null", "/dev/stdout", "/dev/stderr")


def system_run_blocker(
    inst: Instruction,
    state: Any,
    directory: str,
    chown: str | None,
    moved: Callable[[str], bool | None] = lambda name: None,
) -> str | None:
    """None when ``inst`` only installs system packages or tools from a registry (or creates
    accounts and folders) away from ``directory`` (the COPY's destination) and the WORKDIR;
    else why the COPY cannot move below it. ``chown`` is the broad COPY's ``--chown`` value: a
    named owner may be one the RUN creates or changes, so it then blocks. ``moved(name)`` says
    whether the RUN would no longer see the project file ``name`` once the COPY moves (None:
    unknown), for the tools that read a project config file (``dependency_first_tools``)."""
    from rewriter.analyse.packages import recognise
    from rewriter.analyse.shell import parse_shell

    if inst.json or inst.heredocs or not inst.args:
        return "dfopt reads only shell-form RUNs without heredocs here"
    if any(m.get("type") == "bind" for m in mounts(inst)):
        return "it bind-mounts files, which may be the sources"
    protected_now = (directory, known_dir(state.workdir) or "/")
    for mount in mounts(inst):
        reason = _mount_blocker(mount, protected_now)
        if reason is not None:
            return reason
    shell = posixpath.basename(state.shell[0]) if state.shell else ""
    if shell not in POSIX_SHELLS:
        return f"it runs in the SHELL `{' '.join(state.shell)}`"
    reason = _startup_blocker(shell, state)
    if reason is not None:
        return reason
    if chown is not None and not all(p.isdigit() for p in chown.split(":")):
        return f"the COPY's --chown={chown} names an owner this RUN may create or change"
    workdir = known_dir(state.workdir)
    if workdir is None:
        return "its WORKDIR is not known"
    protected = tuple(dict.fromkeys((directory, workdir)))
    script = parse_shell(inst.args)
    if not script.ok or any(not c.known for c in script.commands):
        return "dfopt cannot parse its shell code"
    env = state.known_variables()
    home = state.home or "/root"
    system = tools = False
    for cmd in script.commands:
        text = " ".join(w.raw for w in cmd.words) or script.text[cmd.start : cmd.end]
        reason = _nesting_blocker(cmd, text, script.text, protected, env, home)
        if reason is not None:
            return reason
        if is_tool_command(cmd):  # pip install -U pip, npm install -g pnpm, corepack enable
            reason = _tool_blocker(cmd, text, state, protected, env, moved)
            if reason is not None:
                return reason
            tools = True
            continue
        action = recognise(cmd, env=env, home=home, user=state.user, workdir=workdir)
        reason = _command_blocker(cmd, action, text)
        if reason is None:
            reason = _words_blocker(cmd, text, protected, env, home)
        if reason is not None:
            return reason
        system = system or action is not None or cmd.name in ACCOUNT_COMMANDS
    if system:
        for root in SYSTEM_TREES:
            if is_within(directory, root) or is_within(root, directory):
                return f"it installs into {root}, and the COPY writes to {directory}"
        for parent in SYSTEM_PARENTS:
            if is_within(parent, directory):
                return f"it may write into {parent}, and the COPY writes to {directory}"
    if tools:
        return _tool_trees_blocker(directory, env, home)
    return None


def _startup_blocker(shell: str, state: Any) -> str | None:
    """Why the shell may run files before the RUN's script: a login or interactive shell
    (``SHELL ["/bin/bash", "-lc"]`` reads /etc/profile and ~/.profile, which may ``cd`` or
    source project files), bash's ``BASH_ENV`` and zsh's ``.zshenv`` under ``ZDOTDIR``
    (``ENV BASH_ENV=/app/.env.sh`` sources a file the COPY brings)."""
    for flag in state.shell[1:]:
        login = flag.startswith("--") or (
            flag.startswith(("-", "+")) and not set(flag[1:]) <= _SHELL_FLAG_LETTERS
        )
        if login and flag not in ("--norc", "--noprofile", "--posix"):
            shown = " ".join(state.shell)
            return f"it runs in the SHELL `{shown}`, which may read startup files"
    names = {"bash": ("BASH_ENV",), "zsh": ("ZDOTDIR",)}.get(shell, ())
    for name in names:
        if name in state.variables:
            return f"it runs in {shell} with {name} set, which runs a startup file first"
    return None


def _tool_blocker(
    cmd: Command,
    text: str,
    state: Any,
    protected: tuple[str, ...],
    env: dict[str, str],
    moved: Callable[[str], bool | None],
) -> str | None:
    """Why a tool command (pip, npm, yarn, pnpm, corepack) may read or write the sources: by
    its options, operands and variables (``tool_install_blocker``), by the program it runs
    (``./venv/bin/pip`` or ``/app/bin/pip`` would be the COPY's), by its ``NAME=value``
    prefixes and redirections, or because its HOME, where it writes its caches, is unknown."""
    for word in cmd.words:
        if _is_pattern(word):  # ``pip install flask[async]`` is ``flaska`` when the COPY brings one
            return f"`{text}` has the pattern `{word.raw}`, which may match files of the WORKDIR"
    reason = _tool_config_blocker(cmd, text, state)
    if reason is not None:
        return reason
    program = cmd.words[0] if cmd.words else None
    if program is not None and "/" in (program.value or program.raw):
        reason = _word_blocker(program, True, text, protected, env, "/")
        if reason is not None:
            return reason
    if not _home_known(state):
        return f"`{text}` writes into HOME, and dfopt does not know the HOME of its USER"
    reason = tool_install_blocker(cmd, text, state.variables, moved, protected)
    if reason is None:  # (its operands are registry names, not paths)
        reason = _words_blocker(cmd, text, protected, env, state.home, operands=False)
    return reason


def _home_known(state: Any) -> bool:
    """Whether the HOME the tool writes its caches into is known: set by ENV, root's, or that
    of a user an account command of the stage creates. (``/home/<name>`` is only a guess for
    a user of the base image: www-data's is /var/www, nobody's /nonexistent.)"""
    home = state.home
    if home is None or not home.startswith("/") or "$" in home:
        return False
    if state.variables.get("HOME") is not None or state.is_root:
        return True
    name = state.user_name
    stage = getattr(state, "stage", None)
    seen: set[int] = set()
    while stage is not None and id(stage) not in seen:
        seen.add(id(stage))
        for inst in stage.instructions:
            if inst is state.instruction:
                break
            body = inst.to_source() if inst.name == "run" else ""
            if re.search(r"\b(?:useradd|adduser)\b", body) and re.search(
                rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", body
            ):
                return True
        stage = stage.base_stage
    return False


def _tool_config_blocker(cmd: Command, text: str, state: Any) -> str | None:
    """Why the tool may read a configuration an earlier instruction of the stage (or of the
    stages it builds on) wrote: ``pip.conf``'s ``find-links = wheels`` or an ``.npmrc``'s
    ``prefix`` are read relative to the working directory or point into it, and dfopt does
    not read them. A COPY/ADD naming such a file, or writing into a folder that holds one
    (``COPY rootfs/ /``, ``COPY conf/ /etc/``), or a RUN that mentions one (``pip config
    set``, ``echo ... > ~/.npmrc``) blocks; a base image's own files are not known."""
    node = cmd.name not in ("pip", "pip3") and not (cmd.name or "").startswith(("pip", "python"))
    names = _NODE_CONFIG_NAMES if node else _PIP_CONFIG_NAMES
    home = state.home or "/root"
    parents = {"/", "/etc", "/usr", "/usr/local", "/usr/local/etc", home, f"{home}/.config"}
    stage = getattr(state, "stage", None)
    seen: set[int] = set()
    while stage is not None and id(stage) not in seen:
        seen.add(id(stage))
        for inst in stage.instructions:
            written = _config_writer(inst, names, parents)
            if written is not None:
                return (
                    f"`{text}` reads its configuration, which line {inst.start_line} may"
                    f" write (`{written}`)"
                )
            if inst is state.instruction:
                break
        stage = stage.base_stage
    return None


def _config_writer(inst: Any, names: tuple[str, ...], parents: set[str]) -> str | None:
    """The configuration file (or folder) ``inst`` may write, if any."""
    if inst.name == "run":
        body = inst.to_source()
        return next((name for name in names if name in body), None)
    if inst.name not in ("copy", "add"):
        return None
    values = [v for v in inst.values if v]
    for value in values:
        if any(name in value for name in names):
            return value
    dest = posixpath.normpath(values[-1]) if values else ""
    if len(values) > 1 and (dest in parents or "$" in dest):
        return f"the folder {values[-1]}"
    return None


def _mount_blocker(mount: dict[str, Any], protected: tuple[str, ...]) -> str | None:
    """Why a ``--mount`` (cache, secret, tmpfs) may show the RUN something else at a path the
    COPY writes: a target under the COPY's destination or the WORKDIR, or a relative one."""
    if mount.get("env"):  # (a secret as a variable: PIP_CONSTRAINT=c.txt would read a file)
        return f"it sets {mount['env']} from a secret, whose value dfopt does not know"
    target = mount.get("target") or mount.get("dst") or mount.get("destination")
    if target is None:
        return None  # a secret or ssh mount at its default place under /run
    if not isinstance(target, str) or not target.startswith("/") or "$" in target:
        return f"it mounts at `{target}`, which may be in the working directory"
    path = posixpath.normpath(target)
    for folder in protected:
        if is_within(path, folder) or is_within(folder, path):
            return f"it mounts at {target}, and the COPY or WORKDIR is {folder}"
    return None


def _tool_trees_blocker(directory: str, env: dict[str, str], home: str) -> str | None:
    """Why a tool install (pip, npm -g, corepack) may write where the COPY writes: into the
    system's prefixes (site-packages, node_modules, bin: ``TOOL_TREES``), HOME and /tmp
    (caches), or the environment the PATH runs it from (a virtualenv's ``bin/`` names its
    root). The system's own bin folders map to ``TOOL_TREES``, not to all of ``/usr``: a COPY
    into ``/usr/src/app`` (the node images' documented WORKDIR) meets none of them."""
    roots = [*TOOL_TREES, home]
    for entry in env.get("PATH", "").split(":"):
        if posixpath.normpath(entry or ".") in _SYSTEM_BINS:
            continue
        prefix = posixpath.dirname(entry) if entry.endswith("/bin") else entry
        if prefix.startswith("/") and prefix != "/":  # (``/bin`` itself names no prefix)
            roots.append(prefix)
    if env.get("VIRTUAL_ENV"):
        roots.append(env["VIRTUAL_ENV"])
    for root in roots:
        if is_within(directory, root) or is_within(root, directory):
            return f"it may install into {root}, and the COPY writes to {directory}"
    return None


def _nesting_blocker(
    cmd: Command,
    text: str,
    script: str,
    protected: tuple[str, ...],
    env: dict[str, str],
    home: str,
) -> str | None:
    """Why the constructs around ``cmd`` may change what it does, or None when they are plain
    groups (``a && { b; c; }``, ``( b )``, the group DF107's apt fix appends).

    Why these limits: a group's redirection applies to every command in it, so its targets are
    checked as a command's own are (``{ ...; } > /app/log`` writes under the WORKDIR;
    ``> /dev/null 2>&1`` or a log outside the COPY's folders changes nothing there); a pipeline
    or ``&`` runs the group alongside other commands; a loop, condition, substitution or
    function body changes when and how often the command runs, and its words are not checked
    here."""
    for enclosure in cmd.enclosing:
        if enclosure.kind not in _PLAIN_GROUPS:
            return f"`{text}` is nested in a compound command or substitution"
        if any(
            _word_blocker(target, True, text, protected, env, home) is not None
            for target in _file_targets(enclosure.redirects)
        ):
            written = " ".join(script[r.start : r.end] for r in enclosure.redirects)
            return f"`{text}` is in a group redirected with `{written}`"
        if enclosure.piped or enclosure.background:
            how = "a pipeline" if enclosure.piped else "the background"
            return f"`{text}` is in a group that runs in {how}"
    return None


def _command_blocker(cmd: Command, action: Any, text: str) -> str | None:
    """Why this command (by what it is, not by its paths) may need or touch the sources."""
    if action is not None and action.ecosystem not in SYSTEM_ECOSYSTEMS:
        if cmd.name in PATH_COMMANDS:  # another tool's cache cleanup: judged by its paths
            return None
        return f"`{text}` is not a system-package command"
    if action is not None:
        if action.kind not in SYSTEM_KINDS:
            return f"`{text}` may write into the working directory"
        if action.manifests or action.needs_sources or action.directory is None:
            return f"`{text}` may read files from the working directory"
        return None
    name = cmd.name
    if not cmd.words:
        return None  # a bare assignment: its words are checked like any other
    if name is None:
        return f"`{text}` runs a command dfopt cannot name"
    if name == "cd":
        return f"`{text}` changes the directory the rest of the RUN works in"
    if name in (".", "source") or "/" in (cmd.words[0].value or "") or name in POSIX_SHELLS:
        return f"`{text}` runs a script"
    if name in ACCOUNT_COMMANDS | PATH_COMMANDS | QUIET_COMMANDS:
        return None
    return f"`{text}` is not a system-package command dfopt knows"


def _words_blocker(
    cmd: Command,
    text: str,
    protected: tuple[str, ...],
    env: dict[str, str],
    home: str,
    operands: bool = True,
) -> str | None:
    """Why a word or redirection of the command may name a path under ``protected``
    (``operands=False``: only its ``NAME=value`` prefixes and redirections, for a command
    whose words were checked already)."""
    # (word, is a path whatever it looks like): a redirection's target and the operands of
    # mkdir/rm are paths (``mkdir data`` writes under the WORKDIR), and so are those of
    # ``test``/``[`` (``[ -f app.py ] && ...`` runs the rest only while the COPY stays above);
    # other words are paths only when they look like one.
    checks: list[tuple[Word, bool]] = [(w, False) for w in cmd.assignments]
    paths = cmd.name in PATH_COMMANDS or cmd.name in ("[", "test")
    checks += [
        (
            w,
            paths
            and k > 0
            and not (w.value or w.raw).startswith("-")
            and (w.value or w.raw) not in _TEST_OPERATORS,
        )
        for k, w in enumerate(cmd.words if operands else ())
    ]
    checks += [(target, True) for target in _file_targets(cmd.redirects)]
    for word, is_path in checks:
        reason = _word_blocker(word, is_path, text, protected, env, home)
        if reason is not None:
            return reason
    if cmd.name in ("useradd", "adduser") and cmd.words:
        argv = [w.value or "" for w in cmd.words]
        if not any(a in _HOME_OPTIONS or a.startswith("--home") for a in argv):
            user = argv[-1] if len(argv) > 1 and not argv[-1].startswith("-") else ""
            reason = _path_blocker(posixpath.join("/home", user), text, protected)
            if reason is not None:
                return reason
    return None


def _file_targets(redirects: Sequence[Redirect]) -> list[Word]:
    """The targets of the redirections that name a file: not a heredoc, not ``2>&1``/``>&-``."""
    return [
        r.target
        for r in redirects
        if r.heredoc is None and not ("&" in r.op and _is_fd(r.target.value))
    ]


def _word_blocker(
    word: Word,
    is_path: bool,
    text: str,
    protected: tuple[str, ...],
    env: dict[str, str],
    home: str,
) -> str | None:
    """Why ``word`` may name a path under ``protected``: its value is unknown, it is a relative
    path where it must be a path (``is_path``), or it overlaps a protected folder."""
    value = word.value if word.value is not None else word.expand(env, home)
    if value is None:
        return f"`{text}` uses `{word.raw}`, whose value dfopt does not know"
    if _is_pattern(word) and not value.startswith("/"):  # ``flask[async]`` matches ./flaska
        return f"`{text}` has the pattern `{word.raw}`, which may match files of the WORKDIR"
    if value in _FD_TARGETS:
        return None
    if is_path and not value.startswith("/"):
        return f"`{text}` names the relative path `{value}`"
    return _path_blocker(value, text, protected)


def _is_pattern(word: Word) -> bool:
    """Whether the shell may replace ``word`` by the names of files it matches: an unquoted
    ``*``, ``?`` or bracket expression (a lone ``[``, the test command, matches nothing)."""
    return word.glob and (
        "*" in word.raw or "?" in word.raw or re.search(r"\[[^\]]+\]", word.raw) is not None
    )


def _is_fd(value: str | None) -> bool:
    """Whether a ``>&``/``<&`` target duplicates or closes a descriptor (``2>&1``, ``>&-``)."""
    return value is not None and (value.isdigit() or value == "-")


def _path_blocker(value: str, text: str, protected: tuple[str, ...]) -> str | None:
    """Why ``value`` (a word, or the part after ``=`` of ``--root=/x``) may be a path under the
    protected folders: a relative path, or an absolute one overlapping them."""
    candidates = [value]
    if "=" in value:
        candidates.append(value.partition("=")[2])
    if ":" in candidates[-1] and "://" not in candidates[-1]:  # PATH=/opt/x:/app/bin
        candidates += candidates[-1].split(":")
    for candidate in candidates:
        if not candidate or "://" in candidate:
            continue
        if candidate.startswith("/"):
            path = _static_prefix(candidate)
            for folder in protected:
                if is_within(path, folder) or is_within(folder, path):
                    return f"`{text}` touches {candidate}, and the COPY or WORKDIR is {folder}"
        elif (
            candidate in (".", "..")
            or "/" in candidate
            or candidate.endswith((".deb", ".rpm", ".apk"))
        ):
            return f"`{text}` names the relative path `{candidate}`"
    return None


def _static_prefix(path: str) -> str:
    """The folder a glob path stays within (``/var/lib/apt/lists/*`` -> ``/var/lib/apt/lists``)."""
    cut = min((path.index(c) for c in "*?[" if c in path), default=-1)
    if cut < 0:
        return posixpath.normpath(path)
    return posixpath.dirname(path[:cut]) or "/"
