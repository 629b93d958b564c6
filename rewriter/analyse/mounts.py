"""``RUN --mount=...`` options read the way BuildKit reads them.

Cache-mount rules ask "is there already a cache mount on ``/root/.npm``?", "is it
``sharing=locked``?", "which stage does ``from=`` name?". BuildKit parses the flag value as one
CSV record of ``key=value`` fields (keys case-insensitive, ``type`` defaulting to ``bind``,
``dst``/``destination`` meaning ``target``, ``src`` meaning ``source``); this module does the
same and keeps the flag's span so a fix can rewrite or extend one mount in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rewriter.parser import Flag, Instruction
from rewriter.records import Record

#: Canonical key for each spelling BuildKit accepts.
_KEY_ALIASES = {
    "src": "source",
    "dst": "target",
    "destination": "target",
    "ro": "readonly",
    "rw": "readwrite",
}
MOUNT_TYPES = frozenset({"bind", "cache", "tmpfs", "secret", "ssh"})
SHARING_MODES = frozenset({"shared", "private", "locked"})
_KNOWN_KEYS = frozenset(
    {
        "type",
        "from",
        "source",
        "target",
        "readonly",
        "readwrite",
        "id",
        "sharing",
        "required",
        "mode",
        "uid",
        "gid",
        "size",
        "env",
    }
)


class Mount(Record):
    """One ``--mount`` flag of a RUN.

    Attribute values are after variable expansion (as newer BuildKit frontends do; note that
    the built-in frontend of Docker 20.10 does *not* expand them). ``options`` holds every
    field under its canonical key (``dst`` -> ``target``) as written after expansion;
    ``raw_options`` before expansion. ``span`` is the flag's file offsets (``--mount=...`` as
    written, quotes included). ``errors`` lists what BuildKit would reject.
    """

    __slots__ = (
        "_instruction",
        "_span",
        "env",
        "errors",
        "flag",
        "from_",
        "gid",
        "id",
        "mode",
        "options",
        "raw_options",
        "readonly",
        "required",
        "sharing",
        "source",
        "target",
        "type",
        "uid",
    )

    def __init__(
        self,
        type: str,  # bind (default), cache, tmpfs, secret, ssh (lower case)
        target: str | None,  # target / dst / destination
        source: str | None,  # source / src
        id: str | None,
        sharing: str | None,  # shared / private / locked (None: BuildKit's default, shared)
        from_: str | None,  # ``from=``: a stage name or an image
        uid: str | None,
        gid: str | None,
        mode: str | None,
        env: str | None,  # secret mounts exposed as an environment variable (dockerfile 1.10)
        required: bool,
        readonly: bool,  # BuildKit's default: read-only except cache and tmpfs
        options: dict[str, str],
        raw_options: dict[str, str],
        flag: Flag,
        span: tuple[int, int] | None,  # None: from ``_instruction`` on first use (parse_mount)
        errors: tuple[str, ...] = (),
    ) -> None:
        self.type = type
        self.target = target
        self.source = source
        self.id = id
        self.sharing = sharing
        self.from_ = from_
        self.uid = uid
        self.gid = gid
        self.mode = mode
        self.env = env
        self.required = required
        self.readonly = readonly
        self.options = options
        self.raw_options = raw_options
        self.flag = flag
        self._span: tuple[int, int] | None = span
        # The instruction holding ``flag`` while ``span`` is not computed (see parse_mount).
        self._instruction: Instruction | None = None
        self.errors = errors

    @property
    def span(self) -> tuple[int, int]:
        """The flag's file offsets (computed on first use when parse_mount was given the
        instruction instead)."""
        span = self._span
        if span is None:
            assert self._instruction is not None
            flag = self.flag
            span = self._span = self._instruction.file_span(flag.start, flag.end)
            self._instruction = None
        return span

    @property
    def cache_id(self) -> str | None:
        """The cache's identity: ``id`` when given, else the target (BuildKit's rule)."""
        if self.type != "cache":
            return None
        return self.id or self.target

    @property
    def uses_variables(self) -> bool:
        """True when an option holds ``$``: old frontends take it literally (a silent bug)."""
        return any("$" in v for v in self.raw_options.values())

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style access by any spelling: ``get("dst")``, ``get("from")``, ``get("type")``."""
        return self.as_dict().get(_KEY_ALIASES.get(key.lower(), key.lower()), default)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def as_dict(self) -> dict[str, Any]:
        """The mount as a plain dict with canonical keys; absent options are left out."""
        out: dict[str, Any] = {"type": self.type}
        for key, value in (
            ("target", self.target),
            ("source", self.source),
            ("id", self.id),
            ("sharing", self.sharing),
            ("from", self.from_),
            ("uid", self.uid),
            ("gid", self.gid),
            ("mode", self.mode),
            ("env", self.env),
        ):
            if value is not None:
                out[key] = value
        if self.required:
            out["required"] = True
        out["readonly"] = self.readonly
        return out


_MISSING = object()


def parse_mount(
    flag: Flag,
    span: tuple[int, int] | None,
    expand: Callable[[str], str] | None = None,
    instruction: Instruction | None = None,
) -> Mount:
    """Parse one ``--mount`` flag. Never raises: problems are listed in ``Mount.errors``.

    ``expand`` substitutes variables in each value (``from`` is never expanded: BuildKit refuses
    variables there). ``span`` is the flag's file offsets; with ``span=None``, ``instruction``
    (the flag's instruction) gives them when ``Mount.span`` is first read (most never are).
    """
    text = flag.value or ""
    errors: list[str] = []
    fields = _csv_fields(text, errors)
    raw: dict[str, str] = {}
    options: dict[str, str] = {}
    bare: set[str] = set()
    for item in fields:
        key, sep, value = item.partition("=")
        key = key.lower()
        key = _KEY_ALIASES.get(key, key)
        if not sep:
            bare.add(key)
            if key not in ("readonly", "readwrite", "required"):
                errors.append(f"invalid field {item!r} must be a key=value pair")
            continue
        if key not in _KNOWN_KEYS:
            errors.append(f"unexpected key {key!r} in {item!r}")
        raw[key] = value
        if key == "from" and "$" in value:
            errors.append("'from' doesn't support variable expansion, define alias stage instead")
        options[key] = value if (expand is None or key == "from") else _safe(expand, value)
    mount_type = options.get("type", "bind").lower()
    if mount_type not in MOUNT_TYPES:
        errors.append(f"unsupported mount type {mount_type!r}")
    sharing = options.get("sharing")
    if sharing is not None:
        sharing = sharing.lower()
        if sharing not in SHARING_MODES:
            errors.append(f"unsupported sharing value {sharing!r}")
        elif mount_type != "cache":
            errors.append(f"invalid cache sharing set for {mount_type} mount")
    readonly = mount_type not in ("cache", "tmpfs")
    if "readonly" in bare:
        readonly = True
    elif "readwrite" in bare:
        readonly = False
    if "readonly" in options:
        readonly = _truthy(options["readonly"])
    if "readwrite" in options:
        readonly = not _truthy(options["readwrite"])
    required = "required" in bare or _truthy(options.get("required", "false"))
    if required and mount_type not in ("secret", "ssh"):
        errors.append(f"unexpected key 'required' for mount type {mount_type!r}")
    get = options.get
    mount = Mount(
        mount_type, get("target"), get("source"), get("id"), sharing, get("from"), get("uid"),
        get("gid"), get("mode"), get("env"), required, readonly, options, raw, flag, span,
        tuple(errors),
    )  # fmt: skip
    if span is None:
        mount._instruction = instruction
    return mount


def _csv_fields(text: str, errors: list[str]) -> list[str]:
    """The fields of ``text`` read as one CSV record, as BuildKit reads a ``--mount`` value.

    Without a double quote or a line break (nearly every mount), the CSV reader splits on
    commas and nothing else, so ``str.split`` gives the same fields without building a reader
    (``tests/test_model_mounts.py`` compares the two).
    """
    if not text:
        return []
    if '"' not in text and "\r" not in text and "\n" not in text and "\0" not in text:
        return text.split(",")
    import csv  # only quoted mount values need it

    try:
        return next(csv.reader([text], strict=True), [])
    except csv.Error as exc:
        errors.append(f"failed to parse csv mounts: {exc}")
        return text.split(",")


def _truthy(value: str) -> bool:
    """Go's ``strconv.ParseBool`` truth values; anything else counts as false."""
    return value in ("1", "t", "T", "true", "TRUE", "True")


def _safe(expand: Callable[[str], str], value: str) -> str:
    try:
        return expand(value)
    except ValueError:  # ExpansionError: keep the text as written
        return value
