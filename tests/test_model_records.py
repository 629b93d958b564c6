"""The analysis result types behave as the dataclasses they were before becoming Records.

Each row is what ``dataclasses.fields`` said of the dataclass: the equality it had (``value``
for frozen value objects, ``identity`` for ``eq=False``), its required fields and then its
fields with defaults, in order. A Record
must take the same arguments, fill the same defaults (a fresh ``[]``/``{}`` per object where
the dataclass had a ``default_factory``) and compare, hash and print like a dataclass twin
built from the row.
"""

from __future__ import annotations

import dataclasses

import pytest

from rewriter.analyse.images import ImageDefaults, ImageRef
from rewriter.analyse.model import BuildModel, CopyStep, RunCommand, RunScript, RunStep
from rewriter.analyse.mounts import Mount
from rewriter.analyse.packages.model import CacheDefeater, PackageAction
from rewriter.analyse.packages.specs import Cache, Sub, Tool
from rewriter.analyse.shell.model import (
    Command,
    Enclosure,
    HereDoc,
    Redirect,
    Script,
    Word,
    WordPart,
)
from rewriter.analyse.stages import Stage
from rewriter.analyse.state import ArgDecl, InstructionState
from rewriter.records import Record

ROWS = [
    (WordPart, "value", "kind text", {"quoted": False}),
    (Word, "value", "raw value start end", {"parts": (), "glob": False}),
    (HereDoc, "value", "delimiter quoted strip_tabs body_start body_end", {}),
    (Redirect, "value", "fd op target start end", {"heredoc": None}),
    (
        Command,
        "value",
        "words assignments redirects start end connector cwd",
        {"known": True, "sole": False, "depth": 0, "enclosing": (), "variables": ()},
    ),
    (
        Enclosure,
        "value",
        "kind start end",
        {"redirects": (), "words": (), "connector": None, "piped": False, "background": False},
    ),
    (Script, "value", "text commands ok", {}),
    (
        CacheDefeater,
        "value",
        "defeats reason start end",
        {"word": None, "command": None, "path": None},
    ),
    (
        PackageAction,
        "value",
        "tool ecosystem kind command",
        {
            "subcommand": None,
            "installs_from_lockfile": False,
            "lockfile_mode_available": False,
            "manifests": (),
            "optional_manifests": (),
            "needs_sources": False,
            "cache_dirs": (),
            "cache_defeaters": (),
            "downloads": False,
            "uses_cache": False,
            "packages": (),
            "directory": None,
        },
    ),
    (
        Cache,
        "value",
        "name default",
        {"env": (), "flags": (), "env_options": (), "root_default": None},
    ),
    (
        Sub,
        "value",
        "kind",
        {
            "downloads": False,
            "manifests": (),
            "optional": (),
            "needs_sources": False,
            "lockfile": False,
            "lockfile_flags": (),
            "lockfile_alternative": False,
            "with_packages_kind": None,
            "no_source_flags": (),
            "offline_flags": (),
            "offline_reads_cache": True,
            "caches": None,
        },
    ),
    (
        Tool,
        "value",
        "tool ecosystem launchers subcommands",
        {
            "caches": (),
            "value_options": frozenset(),
            "dir_options": (),
            "goals": False,
            "default_sub": None,
            "defeat_flags": {},
            "defeat_env": {},
            "manifest_flags": (),
            "single_dash_long": False,
        },
    ),
    (
        ArgDecl,
        "value",
        "name default value instruction",
        {"from_build_arg": False, "declared": True},
    ),
    (
        InstructionState,
        "identity",
        "instruction stage args env variables workdir user home shell",
        {"undefined_names": (), "env_complete": False, "errors": ()},
    ),
    (
        Stage,
        "identity",
        "index name from_instruction base base_raw base_stage platform instructions",
        {
            "family": "unknown",
            "family_source": "none",
            "toolchains": frozenset(),
            "is_final": False,
            "used": False,
            "depends_on": [],
            "end_state": None,
        },
    ),
    (
        Mount,
        "value",
        "type target source id sharing from_ uid gid mode env required readonly options"
        " raw_options flag span",
        {"errors": ()},
    ),
    (ImageRef, "value", "text registry path tag digest", {}),
    (ImageDefaults, "value", "", {"env": {}, "workdir": None, "user": None, "env_complete": False}),
    (RunScript, "identity", "script origin pieces", {}),
    (RunCommand, "identity", "command script cwd", {"action": None}),
    (RunStep, "identity", "instruction state mounts network security scripts commands", {}),
    (
        CopyStep,
        "identity",
        "instruction state sources heredoc_sources dest destination from_ from_stage chown"
        " chmod link parents exclude flags",
        {"broad": False, "context_files": None, "urls": []},
    ),
    (
        BuildModel,
        "identity",
        "tree stages global_args",
        {
            "context": None,
            "build_args": {},
            "_states": {},
            "_runs": None,
            "_copies": None,
            "_global_variables": {},
            "_names": {},
        },
    ),
]
_IDS = [row[0].__name__ for row in ROWS]
_REQUIRED = object()


def _fields(required: str, defaults: dict[str, object]) -> list[tuple[str, object]]:
    return [(name, _REQUIRED) for name in required.split()] + list(defaults.items())


def _sample(cls: type, name: str) -> object:
    """A stand-in value for a field; Command reads its words (for ``name``) when built."""
    if cls is Command and name == "words":
        return (Word("a", "a", 0, 1),)
    return f"<{name}>"


def _twin(cls: type, kind: str, fields: list[tuple[str, object]]) -> type:
    """The dataclass ``cls`` was: same fields and defaults, frozen value object or eq=False."""
    specs = []
    for name, default in fields:
        if default is _REQUIRED:
            specs.append((name, object))
        elif isinstance(default, (list, dict)):
            specs.append((name, object, dataclasses.field(default_factory=type(default))))
        else:
            specs.append((name, object, dataclasses.field(default=default)))
    frozen = kind == "value"
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=frozen, eq=frozen)


@pytest.mark.parametrize(("cls", "kind", "required", "defaults"), ROWS, ids=_IDS)
def test_record_takes_the_dataclass_fields_and_defaults(cls, kind, required, defaults) -> None:
    fields = _fields(required, defaults)
    assert issubclass(cls, Record) and not hasattr(cls, "__dataclass_fields__")
    assert cls._fields == tuple(name for name, _ in fields)
    values = [_sample(cls, name) for name in required.split()]
    first, second = cls(*values), cls(*values)
    for name, default in defaults.items():
        assert getattr(first, name) == default
        if isinstance(default, (list, dict)):  # a fresh one per object
            assert getattr(first, name) is not getattr(second, name)


@pytest.mark.parametrize(("cls", "kind", "required", "defaults"), ROWS, ids=_IDS)
def test_record_compares_hashes_and_prints_like_its_dataclass(
    cls, kind, required, defaults
) -> None:
    fields = _fields(required, defaults)
    twin_cls = _twin(cls, kind, fields)
    values = [_sample(cls, name) for name, _ in fields]
    record, same, twin = cls(*values), cls(*values), twin_cls(*values)
    if cls is BuildModel:  # the dataclass had repr=False on the private fields
        public = ", ".join(f"{name}='<{name}>'" for name, _ in fields if name[0] != "_")
        assert repr(record) == f"BuildModel({public})"
    elif cls is not Stage:  # Stage writes its own shorter repr, as it did
        assert repr(record) == repr(twin)
    if kind == "value":
        assert record == same and hash(record) == hash(same) == hash(twin)
        assert record != cls(*values[:-1], "other")
    else:
        assert record != same and record == record and len({record, same}) == 2
    assert record.replace() is not record
    assert cls.__match_args__ == twin_cls.__match_args__


@pytest.mark.parametrize(
    "values",
    [[], [None], ["apt-get"], ["/usr/bin/apt-get", "x"], ["dir/"], [""], ["/"], ["a/b/c"]],
)
def test_command_name_is_the_basename_of_argv0(values: list[str | None]) -> None:
    words = tuple(Word(v or "$X", v, 0, 1) for v in values)
    command = Command(words, (), (), 0, 1, None, ".")
    first = values[0] if values else None
    expected = (first.rpartition("/")[2] or None) if first is not None else None
    assert command.name == expected
    assert command.replace(words=words[1:]).name == (
        (values[1].rpartition("/")[2] or None) if len(values) > 1 and values[1] else None
    )
    assert "name" not in repr(command) and "name" not in command._fields
