"""DF101 with `WORKDIR` between the broad COPY and the install (`COPY . /app`, `WORKDIR /app`,
`RUN pip install -r requirements.txt`, the classic tutorial shape): a WORKDIR into the COPY's
own absolute destination no longer blocks the fix; any other WORKDIR still does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.test_copy_before_install import fixed, left_alone, make, one

PYTHON = {"requirements.txt": "flask==3.0.3\n", "app.py": ""}


@pytest.mark.parametrize(
    ("dest", "workdir"), [("/app", "/app"), ("/app/", "/app"), ("/app", "/app/")]
)
def test_a_workdir_into_the_copy_destination_stays_and_the_fix_goes_ahead(
    tmp_path: Path, dest: str, workdir: str
) -> None:
    context = make(tmp_path, PYTHON)
    source = (
        f"FROM python:3.12\nCOPY . {dest}\nWORKDIR {workdir}\n"
        'RUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n'
    )
    assert one(source, context).fix is not None
    out = fixed(source, context)
    assert out == (
        f"FROM python:3.12\nCOPY requirements.txt {dest.rstrip('/')}/\nWORKDIR {workdir}\n"
        f'RUN pip install -r requirements.txt\nCOPY . {dest}\nCMD ["python", "app.py"]\n'
    )


@pytest.mark.parametrize(
    ("copy_and_workdirs", "why"),
    [
        # a relative destination depends on the WORKDIR: below it, `app` would be /app/app
        ("COPY . app\nWORKDIR /app", "`WORKDIR /app` (line 3) runs between"),
        ("ARG DIR=/app\nCOPY . /app\nWORKDIR $DIR", "`WORKDIR $DIR` (line 4) runs between"),
        ("COPY . /app\nWORKDIR /tmp\nWORKDIR /app", "`WORKDIR /tmp` (line 3) runs between"),
        ("COPY . /app\nWORKDIR src\nWORKDIR /app", "`WORKDIR src` (line 3) runs between"),
    ],
)
def test_any_other_workdir_between_still_blocks(
    tmp_path: Path, copy_and_workdirs: str, why: str
) -> None:
    context = make(tmp_path, PYTHON)
    source = f"FROM python:3.12\n{copy_and_workdirs}\nRUN pip install -r requirements.txt\n"
    left_alone(source, context, why)
