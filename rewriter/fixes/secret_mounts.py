"""Move secrets out of the image: the edits that turn ARG/ENV secrets, copied secret files and
SSH fetches into ``RUN --mount=type=secret|ssh``.

Why one module for three rules (DF201, DF203, DF204): each fix does the same three things
(find every RUN that needs the secret, add a mount flag to it, remove what stored the secret)
and each must refuse the same way when it cannot see every use. Having those decisions in one
place keeps them consistent; the rules only decide *what* is a secret.

The fixes never see a secret's value: mounts name an id, and the build command that supplies
the value goes in ``Fix.notes``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rewriter.fixes.secret_env_prefix import SECRETS_DIR
from rewriter.records import Record
from rewriter.rules.base import Applicability, Edit, Fix

if TYPE_CHECKING:
    from rewriter.analyse.mounts import Mount
    from rewriter.analyse.secrets import Declaration
    from rewriter.parser import Instruction
    from rewriter.rules.context import RuleContext

#: Programs known to read a secret from an environment variable without it being written in
#: the RUN line (npm expands ``${NPM_TOKEN}`` inside ``.npmrc``, for instance).
IMPLICIT_READERS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (
        re.compile(
            r"^(?:NPM_TOKEN|NODE_AUTH_TOKEN|NPM_AUTH_TOKEN|NPM_CONFIG_.*|YARN_NPM_AUTH_TOKEN)$"
        ),
        frozenset({"npm", "npx", "yarn", "pnpm", "corepack"}),
    ),
    (re.compile(r"^(?:GITHUB_TOKEN|GH_TOKEN)$"), frozenset({"gh"})),
    (re.compile(r"^POETRY_HTTP_BASIC_.*_PASSWORD$"), frozenset({"poetry"})),
    (re.compile(r"^UV_INDEX_.*_PASSWORD$"), frozenset({"uv"})),
    (re.compile(r"^TWINE_PASSWORD$"), frozenset({"twine"})),
    (re.compile(r"^CARGO_REGISTR(?:Y|IES_.*)_TOKEN$"), frozenset({"cargo"})),
    (re.compile(r"^AWS_(?:SECRET_ACCESS_KEY|SESSION_TOKEN)$"), frozenset({"aws"})),
    (re.compile(r"^COMPOSER_AUTH$"), frozenset({"composer"})),
    (re.compile(r"^(?:HF_TOKEN|HUGGING_FACE_HUB_TOKEN)$"), frozenset({"huggingface-cli"})),
)


# -- reading RUN mounts and instruction text --------------------------------------------------


def mounts_of(inst: Instruction) -> list[Mount]:
    """The ``--mount`` flags of a RUN, parsed as BuildKit reads them."""
    from rewriter.analyse.mounts import parse_mount

    mounts = []
    for flag in inst.flags:
        if flag.name == "mount":
            mounts.append(parse_mount(flag, inst.file_span(flag.start, flag.end)))
    return mounts


def secret_mount_for(inst: Instruction, name: str) -> Mount | None:
    """The RUN's secret mount that provides variable ``name`` (``env=NAME`` or ``id=name``)."""
    for mount in mounts_of(inst):
        if mount.type == "secret" and (
            mount.env == name or (mount.id or "").lower() == name.lower()
        ):
            return mount
    return None


def _full_text(inst: Instruction) -> str:
    """The logical line and heredoc bodies: everything a RUN executes."""
    return inst.logical.text + "".join("\n" + h.content for h in inst.heredocs)


def references(text: str, name: str) -> bool:
    """Whether ``text`` references ``$name`` or ``${name...}``."""
    return re.search(r"\$\{?" + re.escape(name) + r"(?![A-Za-z0-9_])", text) is not None


def runs_program(inst: Instruction, programs: Iterable[str]) -> bool:
    """Whether a RUN calls one of ``programs`` as a command word (a cheap word scan).

    An exec-form RUN (``RUN ["npm", "ci"]``) is scanned through its argv: its text has the
    JSON quotes around each word, and missing it would leave that RUN without the secret once
    the ARG/ENV it read is removed.
    """
    text = _full_text(inst)
    if inst.json:
        text = " ".join(inst.values)
    words = set(re.split(r"[\s;&|()`]+", text))
    return any(w in words or any(x.endswith("/" + w) for x in words) for w in programs)


# -- who uses a variable ----------------------------------------------------------------------


class Users(Record, eq="mutable"):
    """Instructions that read a variable after its declaration: RUNs and everything else."""

    __slots__ = ("others", "runs")

    def __init__(
        self, runs: list[Instruction] | None = None, others: list[Instruction] | None = None
    ):
        self.runs = [] if runs is None else runs  # None: empty
        self.others = [] if others is None else others  # None: empty


def _descendants(model: Any, stage: Any) -> list[Any]:
    """``stage`` and every stage built FROM it, directly or through others, in file order."""
    out = []
    for other in model.stages:
        chain = other
        while chain is not None and chain is not stage:
            chain = chain.base_stage
        if chain is stage:
            out.append(other)
    return out


def variable_users(ctx: RuleContext, decl: Declaration) -> Users | None:
    """The instructions that read ``decl``'s variable, or None when that cannot be told
    (the variable is declared again further on, so uses may belong to the other declaration).
    """
    from rewriter.analyse.secrets import declarations

    model = ctx.model
    inst = decl.instruction
    stage = model.stage_of(inst)
    users = Users()
    if stage is None:  # a global ARG: FROM lines read it, stages re-declare it
        for other in ctx.tree.instructions:
            if other.name == "from" and references(other.logical.text, decl.name):
                users.others.append(other)
            elif other is not inst and any(d.name == decl.name for d in declarations(other)):
                return None
        return users
    readers = next((tools for pat, tools in IMPLICIT_READERS if pat.match(decl.name)), frozenset())
    for each in _descendants(model, stage):
        body = each.body
        if each is stage:
            body = body[body.index(inst) + 1 :]
        for other in body:
            if any(d.name == decl.name for d in declarations(other)):
                return None
            text = _full_text(other)
            if other.name == "run":
                if (
                    references(text, decl.name)
                    or (readers and runs_program(other, readers))
                    or secret_mount_for(other, decl.name) is not None
                ):
                    users.runs.append(other)
            elif references(text, decl.name):
                users.others.append(other)
    return users


# -- edits ------------------------------------------------------------------------------------


def remove_instruction(inst: Instruction) -> Edit | None:
    """Delete an instruction's lines; None when a comment sits inside it (never delete one)."""
    if any(line.kind == "CONT_COMMENT" for line in inst.lines):
        return None
    return Edit.delete(inst.start_offset, inst.end_offset)


def insert_mount(inst: Instruction, mount: str) -> Edit:
    """Add ``--mount=<mount>`` to a RUN, after its other flags (before a ``--`` that ends them)."""
    at = inst.new_flag_offset()
    return Edit.insert(at, f"--mount={mount} ")


def secret_id(name: str) -> str:
    """A secret id derived from a variable or file name (``NPM_TOKEN`` -> ``npm_token``)."""
    return re.sub(r"[^a-z0-9_.-]+", "_", name.lower()).strip("_.") or "secret"


def _syntax_edit(ctx: RuleContext, features: tuple[str, ...]) -> tuple[bool, Edit | None]:
    """(possible, edit): the ``# syntax=`` line the features need, if the file can have it."""
    from rewriter.fixes.features import syntax_directive_edit

    try:
        return True, syntax_directive_edit(ctx.tree, ctx.source, features)
    except ValueError:
        return False, None


# -- DF201: ARG/ENV -> secret mount ---------------------------------------------------------


def secret_env_fix(ctx: RuleContext, decl: Declaration) -> Fix | None:
    """Replace an ARG/ENV secret by a secret mount on every RUN that uses it.

    When the file declares a frontend with ``env=`` secret mounts (dockerfile 1.10+), each RUN
    gets ``--mount=type=secret,id=..,env=NAME``. Otherwise no ``# syntax=`` line is added (it
    would make every build pull the frontend image, which fails offline): each RUN gets the
    form every BuildKit accepts, a secret file read into the variable
    (:mod:`rewriter.fixes.secret_env_prefix`).

    None when it cannot be done without guessing: legacy-builder mode, a reader that is not a
    RUN, no RUN using it visibly, a frontend dfopt cannot judge, or (without ``env=``) a RUN
    that cannot take a shell prefix (exec form, here-document, non-POSIX SHELL).
    """
    from rewriter.fixes.features import frontend_supports

    if ctx.settings.legacy_builder:
        return None
    users = variable_users(ctx, decl)
    if users is None or users.others:
        return None
    removal = remove_instruction(decl.instruction)
    if removal is None:
        return None
    name = decl.name
    ident = secret_id(name)
    if ctx.model.stage_of(decl.instruction) is None:
        if decl.instruction.name != "arg":
            return None  # an ENV before any FROM: BuildKit rejects the file, nothing to remove
        # A global ARG nothing reads any more (the stages that re-declared it were fixed).
        return Fix(
            f"Remove the unused build argument {name}",
            (removal,),
            Applicability.UNSAFE,
            (f"{name} is no longer used: stop passing --build-arg {name}.",),
        )
    if not users.runs:
        return None
    env_form = frontend_supports(ctx.tree, "mount-secret-env") is True
    if not env_form and not _syntax_edit(ctx, ("run-mount-secret",))[0]:
        return None  # a custom frontend: dfopt cannot tell whether it has secret mounts
    edits = [removal]
    for run in users.runs:
        edit = _secret_env_edit(ctx, run, ident, name, env_form=env_form)
        if edit is False:
            return None
        if edit is not None:
            edits.append(edit)
    reads = "" if env_form else f" (each RUN reads it from {SECRETS_DIR}/{ident})"
    notes = [
        f"Build with: docker build --secret id={ident},env={name} ... "
        f"(the value is read from the environment variable {name} of the shell running "
        f"docker build{'' if decl.kind == 'ENV' else f'; drop --build-arg {name}'}){reads}."
    ]
    if decl.value is not None and decl.value.strip("'\" "):
        notes.append(
            f"The Dockerfile held a value for {name}: remove it from the repository's history "
            f"and rotate the secret."
        )
    if decl.kind == "ENV":
        notes.append(
            f"{name} is no longer set in the image: if the application reads it at run time, "
            f"pass it when the container starts (a runtime secret or docker run -e)."
        )
    return Fix(
        f"Pass {name} to the RUNs that use it with a secret mount",
        tuple(sorted(edits)),
        Applicability.UNSAFE,
        tuple(notes),
    )


def _secret_env_edit(
    ctx: RuleContext, inst: Instruction, ident: str, name: str, *, env_form: bool
) -> Edit | bool | None:
    """The edit that gives one RUN the secret as ``$name``; None when it already has it,
    False when it cannot be given (the whole fix is then refused)."""
    from rewriter.fixes.secret_env_prefix import secret_prefix_edit

    mounts = mounts_of(inst)
    if any(m.type == "secret" and m.env == name for m in mounts):
        return None  # already receives it
    if env_form:
        return insert_mount(inst, f"type=secret,id={ident},env={name}")
    run = ctx.model.run_of(inst)
    if run is None:
        return False
    if inst.args.lstrip().startswith(f'{name}="$(cat '):
        return None  # already reads it from its secret file
    existing = next((m for m in mounts if m.type == "secret" and m.id == ident), None)
    edit = secret_prefix_edit(
        run, ident, name, mount=existing is None, target=existing.target if existing else None
    )
    return False if edit is None else edit


# -- DF203: COPY of a secret file -> secret mount with target= --------------------------------

#: Secret files an install step reads, and the tools that read them.
FILE_READERS: dict[str, frozenset[str]] = {
    ".npmrc": frozenset({"npm", "npx", "yarn", "pnpm"}),
    ".yarnrc.yml": frozenset({"yarn"}),
    ".netrc": frozenset({"pip", "pip3", "poetry", "uv", "pipenv", "go", "curl", "git", "wget"}),
    "pip.conf": frozenset({"pip", "pip3"}),
    "auth.json": frozenset({"composer"}),
    "settings.xml": frozenset({"mvn", "mvnw"}),
    "gradle.properties": frozenset({"gradle", "gradlew"}),
    "credentials": frozenset({"aws"}),
    ".pypirc": frozenset({"twine"}),
}
_BETWEEN_OK = frozenset({"copy", "arg", "env", "label"})


def secret_file_fix(
    ctx: RuleContext, copy: Instruction, source: str, word: tuple[int, int] | None
) -> Fix | None:
    """Mount the secret file ``source`` into the next RUN instead of copying it.

    ``word`` is the logical span of ``source`` in the COPY (None when it is the only source:
    the COPY goes). Offered only when the next RUN runs a tool that reads this file, nothing
    later reads it, and the destination is known.
    """
    from rewriter.analyse.shell import parse_shell, remove_command

    if ctx.settings.legacy_builder or copy.json or copy.heredocs:
        return None
    base = posixpath.basename(source.rstrip("/"))
    readers = FILE_READERS.get(base)
    if readers is None:
        return None
    model = ctx.model
    step = model.copy_of(copy)
    stage = model.stage_of(copy)
    if step is None or stage is None or step.from_ is not None:
        return None
    if any(f.name in ("chmod", "link", "parents", "exclude") for f in copy.flags):
        return None
    target = _copy_target(step, base, single=word is None)
    if target is None:
        return None
    body = stage.body
    after = body[body.index(copy) + 1 :]
    run = next((i for i in after if i.name not in _BETWEEN_OK), None)
    if run is None or run.name != "run" or run.json or run.heredocs:
        return None
    if not runs_program(run, readers):
        return None
    script = parse_shell(run.args)
    if not script.ok:
        return None
    edits: list[Edit] = []
    for cmd in script.commands:
        if not _mentions(cmd, target, base):
            continue
        if cmd.name != "rm":
            return None  # the RUN reads the file some other way
        if len([w for w in cmd.words[1:] if not (w.value or "").startswith("-")]) != 1:
            return None
        removal = remove_command(script, cmd)
        if removal is None:
            return None
        start = run.syntax.args_start
        edits.append(Edit(*run.file_span(start + removal.start, start + removal.end), removal.text))
    for later in after[after.index(run) + 1 :]:
        if base in _full_text(later):
            return None
    for other in _descendants(model, stage)[1:]:
        if any(base in _full_text(i) for i in other.body):
            return None
    if any(c.from_stage is stage for c in model.copies()):
        from_here = [c for c in model.copies() if c.from_stage is stage]
        if any(
            any(base in s or s.rstrip("/") in ("", ".", "/") for s in c.sources) for c in from_here
        ):
            return None
    ident = secret_id(base.lstrip("."))
    mount = f"type=secret,id={ident},target={target}"
    user = model.state_of(run).user
    user_name = user.split(":", 1)[0]
    if user_name not in ("root", "0", ""):
        mount += f",uid={user_name}" if user_name.isdigit() else ",mode=0444"
    if word is None:
        removal = remove_instruction(copy)
        if removal is None:
            return None
        edits.append(removal)
    else:
        start, end = word
        text = copy.logical.text
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        edits.append(Edit(*copy.file_span(start, end), ""))
    edits.append(insert_mount(run, mount))
    return Fix(
        f"Mount {source} as a secret in the RUN that reads it instead of copying it",
        tuple(sorted(edits)),
        Applicability.UNSAFE,
        (
            f"Build with: docker build --secret id={ident},src={source} ... "
            f"(src is relative to the folder you run docker build in).",
            f"{base} is no longer in any image layer; it exists only while that RUN runs. "
            f"Keep it out of the build context (.dockerignore) so no COPY brings it back.",
        ),
    )


def _copy_target(step: Any, base: str, *, single: bool) -> str | None:
    """Where the COPY put the file, when that is certain."""
    dest = step.destination
    if "$" in dest:
        return None
    if dest.endswith("/") or not single or step.dest in (".", "./"):
        return posixpath.join(dest, base)
    if posixpath.basename(dest) == base:
        return dest
    return None  # ``COPY .npmrc /app``: a file named app, or a folder? Not knowable here.


def _mentions(cmd: Any, target: str, base: str) -> bool:
    return any(
        w.value is not None and (w.value == target or posixpath.basename(w.value) == base)
        for w in cmd.words
    )


# -- DF204: fetching over SSH -> ssh mount with known_hosts ----------------------------------


def ssh_mount_fix(
    ctx: RuleContext, run: Instruction, hosts: list[tuple[str, str | None]]
) -> Fix | None:
    """Add ``--mount=type=ssh`` and a ``ssh-keyscan`` of ``hosts`` ((host, port)) to a RUN."""
    if ctx.settings.legacy_builder or run.json or not hosts:
        return None
    scans = []
    for host, port in dict.fromkeys(hosts):
        if not re.fullmatch(r"[A-Za-z0-9.-]+", host) or (port and not port.isdigit()):
            return None
        scans.append(
            f"ssh-keyscan {'-p ' + port + ' ' if port else ''}{host} >> ~/.ssh/known_hosts"
        )
    prefix = "mkdir -p -m 0700 ~/.ssh && " + " && ".join(scans) + " && "
    # Replace the script's first word rather than insert before it: a flag another fix inserts
    # at the same point in the same pass then sorts before our text, never inside it.
    start = run.syntax.args_start
    if run.file_span(start, start)[0] != run.new_flag_offset():
        return None  # a `--` ends the flags: the mount cannot go where the script starts
    first = run.args.split(None, 1)[0]
    begin, end = run.file_span(start, start + len(first))
    if run.to_source()[begin - run.start_offset : end - run.start_offset] != first:
        return None  # the first word spans a line continuation: leave it alone
    edits = (Edit(begin, end, "--mount=type=ssh " + prefix + first),)
    return Fix(
        "Use the build's SSH agent with an SSH mount, and trust the host keys",
        edits,
        Applicability.UNSAFE,
        (
            "Build with: docker build --ssh default ... (forwards your SSH agent; run ssh-add "
            "first).",
            "ssh-keyscan trusts whatever key the host presents at build time; pin the keys in "
            "a known_hosts file if that is not acceptable.",
        ),
    )
