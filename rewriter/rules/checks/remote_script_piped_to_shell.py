"""DF206 remote-script-piped-to-shell: ``curl ... | sh`` and ``sh -c "$(wget -O- ...)"``."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext

_DOWNLOADERS = frozenset({"curl", "wget", "fetch", "http", "aria2c"})
_INTERPRETERS = frozenset(
    {
        "sh",
        "bash",
        "dash",
        "ash",
        "zsh",
        "ksh",
        "busybox",
        "python",
        "python3",
        "perl",
        "ruby",
        "node",
        "php",
        "pwsh",
    }
)
_WRAPPERS = frozenset({"sudo", "env", "exec", "nice", "time", "command"})


class RemoteScriptPipedToShell(Rule):
    """A script downloaded during the build is run without being checked.

    ## What it does
    Finds a download piped straight into an interpreter (`curl -fsSL URL | sh`,
    `wget -qO- URL | bash`, `curl URL | sudo python3 -`) and a shell running a command
    substitution that downloads (`sh -c "$(curl -fsSL URL)"`).

    ## Why it matters
    The build executes whatever the server returns at that moment, as root: a compromised or
    changed script, a captive portal page or a truncated download is run without any check,
    and the image is no longer reproducible. Without `set -o pipefail` a failed download is not
    even an error: the shell runs an empty script and the step "succeeds" (hadolint DL4006).

    ## Example
    ```dockerfile
    RUN curl -fsSL https://example.com/install.sh | sh
    ```
    Use instead:
    ```dockerfile
    ADD --checksum=sha256:<digest> https://example.com/install.sh /tmp/install.sh
    RUN sh /tmp/install.sh && rm /tmp/install.sh
    ```
    or download a pinned release and verify its checksum before running it.

    ## Fix
    None: the expected checksum has to come from you.
    """

    code = "DF206"
    name = "remote-script-piped-to-shell"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for run in ctx.model.runs():
            for script in run.scripts:
                commands = [c for c in script.script.commands if c.known]
                for i, cmd in enumerate(commands):
                    found = _piped_download(commands, i) or _substituted_download(commands, i)
                    if found is None:
                        continue
                    downloader, interpreter = found
                    span = script.file_span(cmd.start, cmd.end)
                    if downloader.start < cmd.start:
                        span = script.file_span(downloader.start, cmd.end)
                    yield ctx.finding(
                        self,
                        span or run.instruction,
                        f"'{downloader.name}' output is run by '{interpreter}' unchecked: download "
                        f"the script, verify its checksum, then run it",
                    )


def _program(cmd) -> tuple[str | None, list]:
    """The program a command really runs (``sudo -E bash -`` -> bash) and its arguments."""
    words = list(cmd.words)
    while words:
        value = words[0].value
        if value is None:
            return None, []
        base = posixpath.basename(value)
        if base in _WRAPPERS:
            words = words[1:]
            while words and (words[0].value or "").startswith("-"):
                words = words[1:]
            while words and "=" in (words[0].value or "") and base == "env":
                words = words[1:]
            continue
        return base, words[1:]
    return None, []


def _piped_download(commands: list, i: int):
    """(downloader, interpreter) when ``commands[i]`` is an interpreter reading a pipe that
    starts with a download."""
    cmd = commands[i]
    if cmd.connector != "|":
        return None
    program, args = _program(cmd)
    if program not in _INTERPRETERS:
        return None
    if program in ("python", "python3", "perl", "ruby", "node", "php") and any(
        (w.value or "") not in ("-", "") and not (w.value or "").startswith("-") for w in args
    ):
        return None  # ``| python3 -c 'import json...'`` parses the download, it does not run it
    if program in ("sh", "bash", "dash", "ash", "zsh", "ksh") and any(
        (w.value or "") == "-c" for w in args
    ):
        return None
    j = i - 1
    while j >= 0:
        prev = commands[j]
        if prev.depth != cmd.depth or prev.end > cmd.start:
            j -= 1
            continue
        name, _ = _program(prev)
        if name in _DOWNLOADERS:
            return prev, program
        if prev.connector != "|":
            return None
        j -= 1
    return None


def _substituted_download(commands: list, i: int):
    """(downloader, shell) for ``sh -c "$(curl URL)"``: a shell whose -c script is a download."""
    cmd = commands[i]
    program, args = _program(cmd)
    if program not in ("sh", "bash", "dash", "ash", "zsh", "ksh"):
        return None
    values = [w.value for w in args]
    if "-c" not in values:
        return None
    script_word = args[values.index("-c") + 1] if values.index("-c") + 1 < len(args) else None
    if script_word is None or not any(p.kind == "cmdsub" for p in script_word.parts):
        return None
    for inner in commands:
        if inner is cmd or not (script_word.start <= inner.start and inner.end <= script_word.end):
            continue
        if _program(inner)[0] in _DOWNLOADERS:
            return inner, program
    return None
