"""DF201 secret-in-arg-or-env: names and values that hold secrets, and the secret-mount fix."""

from __future__ import annotations

import pytest

from rewriter.analyse.secrets import find_secret_values, is_secret_name
from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from tests.rules.harness import fix, lint

GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def df201(source: str):
    return [f for f in lint(source) if f.code == "DF201"]


def fixed(source: str, *, unsafe: bool = True) -> str:
    """DF201's fixes alone, applied until stable; a second run must change nothing."""
    config = Config(select=("DF201",))
    first = fix_source(source, config=config, unsafe=unsafe)
    assert fix_source(first.output, config=config, unsafe=unsafe).output == first.output
    return first.output


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "AWS_SECRET_ACCESS_KEY",
        "NPM_TOKEN",
        "GITHUB_TOKEN",
        "API_KEY",
        "PRIVATE_KEY",
        "apiKey",
        "dbPassword",
        "NPM_CONFIG__AUTH",
        "SECRET_KEY_BASE",
        "PGPASSWORD",
        "DB_PASS",
        "client-secret",
    ],
)
def test_secret_names_are_recognised(name):
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "TOKEN_URL",
        "PASSWORD_FILE",
        "KEY_ID",
        "AWS_ACCESS_KEY_ID",
        "GPG_KEY",
        "PUBLIC_KEY",
        "PASSWORD_MIN_LENGTH",
        "AUTH_TYPE",
        "SSH_AUTH_SOCK",
        "TOKENIZERS_PARALLELISM",
        "KEY",
        "NODE_VERSION",
        "GOOGLE_APPLICATION_CREDENTIALS_PATH",
    ],
)
def test_names_about_secrets_are_not_secrets(name):
    assert not is_secret_name(name)


def test_value_shapes_are_recognised():
    kinds = {s.kind for s in find_secret_values(f"x {GITHUB_TOKEN} AKIAABCDEFGHIJKLMNOP")}
    assert kinds == {"a GitHub token", "an AWS access key"}
    key = find_secret_values("-----BEGIN OPENSSH PRIVATE KEY-----abc")
    assert key and key[0].kind == "a private key"
    url = find_secret_values("https://deploy:s3cr3tpw@git.example.com/x.git")
    assert [s.value for s in url] == ["s3cr3tpw"]
    assert find_secret_values("https://user:$TOKEN@git.example.com/x.git") == []


def test_secret_named_arg_without_value_fires():
    findings = df201("FROM alpine:3.20\nARG NPM_TOKEN\nRUN echo hi\n")
    assert [(f.line, f.column) for f in findings] == [(2, 5)]
    assert "ARG NPM_TOKEN looks like a secret" in findings[0].message


def test_value_is_never_in_the_message_and_is_masked():
    findings = df201(f"FROM alpine:3.20\nENV GH={GITHUB_TOKEN}\n")
    assert len(findings) == 1
    assert GITHUB_TOKEN not in findings[0].message
    assert "gh****" in findings[0].message
    assert GITHUB_TOKEN in findings[0].secrets


def test_secret_named_env_with_value_fires_and_carries_the_secret():
    (finding,) = df201("FROM alpine:3.20\nENV DB_PASSWORD=hunter22\n")
    assert "hunter22" not in finding.message
    assert finding.secrets == ("hunter22",)


@pytest.mark.parametrize(
    "line",
    [
        "ARG TOKEN_URL=https://auth.example.com/token",
        "ARG PASSWORD_FILE=/run/secrets/db",
        "ENV KEY_ID=abc123",
        "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
        "ENV GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json",
        "ENV DISABLE_AUTH=true",
        "ENV NPM_TOKEN=",
        "ARG NODE_VERSION=20",
    ],
)
def test_well_written_declarations_are_quiet(line):
    assert df201(f"FROM alpine:3.20\n{line}\n") == []


def test_arg_used_only_by_its_secret_mount_is_quiet():
    source = (
        "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nARG TOKEN\n"
        "RUN --mount=type=secret,id=token,env=TOKEN ./fetch.sh\n"
    )
    assert df201(source) == []


def test_arg_used_by_a_run_without_mount_still_fires():
    source = 'FROM alpine:3.20\nARG TOKEN\nRUN ./fetch.sh "$TOKEN"\n'
    assert len(df201(source)) == 1


def test_unsafe_fix_moves_the_arg_to_a_secret_file_every_buildkit_reads():
    """No `# syntax=` line is added (it would pull a frontend image at build time): the RUN
    reads the secret file into the variable, which every BuildKit supports."""
    source = "FROM node:20\nWORKDIR /app\nARG NPM_TOKEN\nCOPY package*.json ./\nRUN npm ci\n"
    (finding,) = df201(source)
    assert finding.fix is not None and str(finding.fix.applicability) == "unsafe"
    assert any("--secret id=npm_token,env=NPM_TOKEN" in n for n in finding.fix.notes)
    assert any("/run/secrets/npm_token" in n for n in finding.fix.notes)
    assert fixed(source) == (
        "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\n"
        "RUN --mount=type=secret,id=npm_token"
        ' NPM_TOKEN="$(cat /run/secrets/npm_token)" && export NPM_TOKEN && npm ci\n'
    )
    # with every rule enabled the file still converges, and the ARG is gone
    assert "ARG NPM_TOKEN" not in fix(source, unsafe=True).output


def test_safe_fix_pass_leaves_the_secret_alone():
    source = "FROM alpine:3.20\nARG API_KEY\nRUN ./call.sh $API_KEY\n"
    assert fix(source).output == source


def test_env_with_value_fix_mounts_every_reading_run_and_notes_rotation():
    source = (
        "FROM alpine:3.20\r\nENV API_KEY=abc123def456\r\nRUN ./a.sh $API_KEY\r\n"
        'RUN ./b.sh ${API_KEY}\r\nCMD ["./serve"]\r\n'
    )
    (finding,) = df201(source)
    notes = " ".join(finding.fix.notes)
    assert "abc123def456" not in notes and "rotate" in notes
    output = fixed(source)
    read = 'API_KEY="$(cat /run/secrets/api_key)" && export API_KEY && '
    assert output == (
        "FROM alpine:3.20\r\n"
        f"RUN --mount=type=secret,id=api_key {read}./a.sh $API_KEY\r\n"
        f"RUN --mount=type=secret,id=api_key {read}./b.sh ${{API_KEY}}\r\n"
        'CMD ["./serve"]\r\n'
    )


def test_no_fix_when_another_instruction_reads_the_variable():
    source = "FROM alpine:3.20\nARG API_KEY\nLABEL key=$API_KEY\nRUN ./a.sh $API_KEY\n"
    (finding,) = df201(source)
    assert finding.fix is None


def test_frontend_pinned_before_env_mounts_gets_the_secret_file_form():
    source = "# syntax=docker/dockerfile:1.4\nFROM alpine:3.20\nARG API_KEY\nRUN ./a.sh $API_KEY\n"
    assert fixed(source) == (
        "# syntax=docker/dockerfile:1.4\nFROM alpine:3.20\n"
        "RUN --mount=type=secret,id=api_key"
        ' API_KEY="$(cat /run/secrets/api_key)" && export API_KEY && ./a.sh $API_KEY\n'
    )


@pytest.mark.parametrize(
    "directive", ["docker/dockerfile:1", "docker/dockerfile:1.10", "docker/dockerfile:1.12-labs"]
)
def test_frontend_declared_with_env_mounts_keeps_the_env_form(directive):
    source = f"# syntax={directive}\nFROM alpine:3.20\nARG API_KEY\nRUN ./a.sh $API_KEY\n"
    assert fixed(source) == (
        f"# syntax={directive}\nFROM alpine:3.20\n"
        "RUN --mount=type=secret,id=api_key,env=API_KEY ./a.sh $API_KEY\n"
    )


def test_no_fix_for_a_custom_frontend_dfopt_cannot_judge():
    source = "# syntax=example.com/my/frontend:2\nFROM alpine:3.20\nARG API_KEY\nRUN ./a.sh\n"
    (finding,) = df201(source)
    assert finding.fix is None


@pytest.mark.parametrize(
    ("script", "prefix"),
    [
        ("./a.sh $API_KEY || cat log", 'API_KEY="$(cat /run/secrets/api_key)" || exit; '),
        ("./a.sh $API_KEY; ./b.sh", 'API_KEY="$(cat /run/secrets/api_key)" || exit; '),
        (
            'if [ -n "$API_KEY" ]; then ./a.sh; fi',
            'API_KEY="$(cat /run/secrets/api_key)" || exit; ',
        ),
        ('./a.sh "$(echo $API_KEY)" | tee out', 'API_KEY="$(cat /run/secrets/api_key)" && '),
    ],
    ids=["or-fallback", "sequence", "compound", "one-chain-with-substitution"],
)
def test_a_missing_secret_fails_the_run_whatever_the_scripts_shape(script, prefix):
    """`read && export && a || b` would run the fallback `b` without the secret: a script that
    is not one `&&` chain gets `read || exit; export NAME;` instead. The script stays as is."""
    source = f"FROM alpine:3.20\nARG API_KEY\nRUN {script}\n"
    output = fixed(source)
    assert output.startswith("FROM alpine:3.20\nRUN --mount=type=secret,id=api_key " + prefix)
    assert output.endswith(script + "\n")


@pytest.mark.parametrize(
    "run",
    [
        'RUN ["sh", "-c", "./a.sh $API_KEY"]',
        "RUN <<EOF\n./a.sh $API_KEY\nEOF",
        'SHELL ["pwsh", "-Command"]\nRUN ./a.ps1 $env:API_KEY $API_KEY',
    ],
    ids=["exec-form", "heredoc", "powershell"],
)
def test_no_fix_when_a_run_cannot_read_the_secret_file_itself(run):
    """Without `env=` the RUN must run a POSIX prefix; rather than lose the secret, no fix."""
    source = f"FROM alpine:3.20\nARG API_KEY\n{run}\n"
    (finding,) = df201(source)
    assert finding.fix is None


def test_no_fix_in_legacy_builder_mode():
    source = "# dfopt: legacy-builder\nFROM alpine:3.20\nARG API_KEY\nRUN ./a.sh $API_KEY\n"
    (finding,) = df201(source)
    assert finding.fix is None


def test_global_arg_is_removed_once_no_stage_needs_it():
    source = "ARG NPM_TOKEN\nFROM node:20\nARG NPM_TOKEN\nRUN npm ci\n"
    output = fixed(source)
    assert output == (
        "FROM node:20\nRUN --mount=type=secret,id=npm_token"
        ' NPM_TOKEN="$(cat /run/secrets/npm_token)" && export NPM_TOKEN && npm ci\n'
    )


def test_run_whose_flags_end_with_a_marker_gets_no_mount_after_it() -> None:
    """``RUN -- npm ci``: a mount written where the script starts would be a word of the
    command; the prefix fix is not offered for such a RUN."""
    out = fixed("FROM node:20\nARG NPM_TOKEN\nRUN -- npm ci\n")
    assert "-- --mount" not in out


def test_env_before_any_from_is_not_removed_as_an_unused_build_argument() -> None:
    """Only a global ARG can be unused; an ENV before FROM was deleted with the title "Remove
    the unused build argument"."""
    source = "ENV TOKEN=4\nFROM alpine:3.20\n"
    (finding,) = df201(source)
    assert finding.fix is None
    assert fixed(source) == source
