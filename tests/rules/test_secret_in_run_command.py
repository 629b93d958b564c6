"""DF202 secret-in-run-command: literal secrets in RUN lines, always masked."""

from __future__ import annotations

import pytest

from tests.rules.harness import lint


def df202(source: str):
    return [f for f in lint(source) if f.code == "DF202"]


@pytest.mark.parametrize(
    ("run", "secret"),
    [
        (
            'curl -fsSL -H "Authorization: Bearer 9f8e7d6c5b4a" https://api.example.com/x',
            "9f8e7d6c5b4a",
        ),
        (
            "wget --header='PRIVATE-TOKEN: glq-12345678' https://gitlab.example.com/x",
            "glq-12345678",
        ),
        ("git clone https://deploy:pa55word1@git.example.com/app.git", "pa55word1"),
        ("curl -u admin:sup3rsecret https://repo.example.com/a.tgz", "sup3rsecret"),
        ("mysql -uroot -prootpw42 -e 'create database app'", "rootpw42"),
        ("docker login -u bot -p b0tpassword registry.example.com", "b0tpassword"),
        ("PGPASSWORD=hunter22 psql -h db -c 'select 1'", "hunter22"),
        ("export API_KEY=k3y-v4lue-123", "k3y-v4lue-123"),
        ('echo "//registry.npmjs.org/:_authToken=abcd1234efgh" > .npmrc', "abcd1234efgh"),
        ("./deploy --password=Tr0ub4dor", "Tr0ub4dor"),
    ],
)
def test_literal_secrets_fire_masked(run, secret):
    (finding,) = df202(f"FROM alpine:3.20\nRUN {run}\n")
    assert secret not in finding.message
    assert finding.secrets == (secret,)
    assert secret[:2] + "****" in finding.message


def test_position_is_the_word_holding_the_secret():
    (finding,) = df202(
        "FROM alpine:3.20\nRUN apk add curl && \\\n    curl -u me:hunter22x https://x\n"
    )
    assert (finding.line, finding.column) == (3, 13)


@pytest.mark.parametrize(
    "run",
    [
        'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/x',
        "git clone https://$GIT_USER:$GIT_TOKEN@git.example.com/app.git",
        "mysql -uroot -p -e 'select 1'",
        "docker login --password-stdin < /run/secrets/pw",
        "curl -H 'Accept: application/json' https://api.example.com/",
        "PASSWORD_FILE=/run/secrets/pw ./start",
        "export TOKEN_URL=https://auth.example.com",
        "./configure --enable-auth=yes",
        "sed -i 's/password=.*/password=$PW/' app.ini",
    ],
)
def test_commands_without_literal_secrets_are_quiet(run):
    assert df202(f"FROM alpine:3.20\nRUN {run}\n") == []


def test_heredoc_scripts_are_checked_too():
    source = "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN <<EOF\ncurl -u a:b1g-secret https://x\nEOF\n"
    (finding,) = df202(source)
    assert finding.line == 4
