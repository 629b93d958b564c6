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
