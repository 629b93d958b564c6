"""``--mount`` values: the comma split that skips the CSV reader agrees with it."""

from __future__ import annotations

import csv

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.mounts import _csv_fields


def _reference(text: str) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    try:
        fields = next(csv.reader([text], strict=True), [])
    except csv.Error as exc:
        errors.append(f"failed to parse csv mounts: {exc}")
        fields = text.split(",")
    return fields, errors


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(",=\"ab =\\'\t\r\n\x00\x0b\x85\u2028$")), max_size=20))
def test_csv_fields_match_the_csv_reader(text: str) -> None:
    errors: list[str] = []
    assert (_csv_fields(text, errors), errors) == _reference(text)


def test_csv_fields_of_common_mounts() -> None:
    for text in (
        "",
        "type=cache,target=/root/.npm",
        "type=secret,id=npmrc,dst=/root/.npmrc,required",
        'type=bind,"source=a,b",target=/x',
        'type=cache,target="/x',
    ):
        errors: list[str] = []
        assert (_csv_fields(text, errors), errors) == _reference(text)


def test_parse_mount_builds_the_same_mount_as_the_dataclass() -> None:
    import dataclasses

    from rewriter import parse
    from rewriter.analyse.mounts import Mount, parse_mount

    tree = parse("FROM a\nRUN --mount=type=cache,target=/x,sharing=locked,id=c true\n")
    flag = tree.instructions[1].flags[0]
    fast = parse_mount(flag, (1, 2))
    names = [f.name for f in dataclasses.fields(Mount)]
    assert list(vars(fast)) == names
    slow = Mount(**{name: getattr(fast, name) for name in names})
    assert type(fast) is Mount and fast == slow and repr(fast) == repr(slow)
    assert list(vars(fast).items()) == list(vars(slow).items())
