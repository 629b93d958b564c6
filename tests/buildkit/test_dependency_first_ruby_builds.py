"""DF101's dependency-first rewrite for bundler, proved on the real BuildKit with the offline
Ruby stand-ins (``ruby:3.3`` / ``ruby:3.3-slim`` images, standins/tools/bundle, gem, ruby).

As ``test_dependency_first_builds`` does for the other ecosystems: the original Dockerfile of
every fixable ``corpus/rules/DF101-bundler*`` case and DF101's safe rewrite both build, their
images hold the same files, and after a one-line source edit the rewrite's ``bundle install`` is
CACHED while the original's runs again. The stand-in checks below show that the stand-in reads
what the rewrite relies on (it fails without the Gemfile or a file the Gemfile names, it honours
frozen mode and BUNDLE_PATH, its gem cache is warm in a cache mount).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from tests.conftest import CORPUS

from . import test_dependency_first_builds as shared
from .harness import build, diff_images, make_context, unique_token
from .test_standins import fails_with, reports

ONLY = Config(select=("DF101",))

# case -> (source files to edit, comment syntax, steps: (needle in the original, in the fix)).
CASES: dict[str, tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]]] = {
    "DF101-bundler": (("app.rb",), "#", (("bundle install", "bundle install"),)),
    "DF101-bundler-deployment": (("config/boot.rb",), "#", (("bundle install", "bundle install"),)),
}
# The shared coverage test (every fixable DF101 corpus case has a BuildKit proof) counts these
# cases too. Until it reads this module's CASES itself, register them in its table (tables are
# read when the test runs, after collection imported both modules).
shared.CASES.update({k: v for k, v in CASES.items() if k not in shared.CASES})


def _files(case: Path) -> dict[str, str | bytes]:
    root = case / "context"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _edited(files: dict[str, str | bytes], paths: tuple[str, ...], comment: str) -> dict:
    changed = dict(files)
    for path in paths:
        text = changed[path]
        text = text.decode() if isinstance(text, bytes) else text
        changed[path] = f"{text.rstrip()}\n{comment} edit {unique_token()}\n"
    return changed


def test_every_fixable_bundler_corpus_case_is_covered() -> None:
    fixable = {
        case.name
        for case in (CORPUS / "rules").glob("DF101-bundler*")
        if (case / "context").is_dir()
        and fix_source((case / "Dockerfile").read_bytes().decode(), context_dir=case / "context",
                       config=ONLY).changed
    }  # fmt: skip
    assert fixable == set(CASES)


@pytest.mark.buildkit
@pytest.mark.parametrize("name", sorted(CASES))
def test_bundler_rewrite_builds_the_same_image_and_keeps_the_install_cached(
    name: str, tmp_path: Path
) -> None:
    case = CORPUS / "rules" / name
    edits, comment, steps = CASES[name]
    original = (case / "Dockerfile").read_bytes().decode()
    fixed = fix_source(original, context_dir=case / "context", config=ONLY).output
    assert fixed != original

    files = _edited(_files(case), edits, comment)
    context = make_context(tmp_path, files)
    before = build(original, context)
    assert before.ok, before.log
    after = build(fixed, context)
    assert after.ok, after.log
    difference = diff_images(before.tag, after.tag)
    assert difference.equal, str(difference)

    edited = make_context(tmp_path, _edited(files, edits, comment))
    before_again = build(original, edited)
    after_again = build(fixed, edited)
    assert before_again.ok and after_again.ok, before_again.log + after_again.log
    for in_original, in_fixed in steps:
        assert not before_again.cached(in_original), f"original: {in_original} was CACHED"
        assert after_again.cached(in_fixed), f"fixed: {in_fixed} ran again\n{after_again.log}"


# -- the stand-in reads what bundler reads -------------------------------------------------------

GEMFILE = 'source "https://rubygems.org"\nruby file: ".ruby-version"\ngem "rack", "~> 3.0"\n'
LOCK = (
    "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.11)\n\nPLATFORMS\n  ruby\n"
    "  x86_64-linux\n\nDEPENDENCIES\n  rack (~> 3.0)\n\nBUNDLED WITH\n   2.5.11\n"
)
PROJECT = {"Gemfile": GEMFILE, "Gemfile.lock": LOCK, ".ruby-version": "3.3.4\n", "app.rb": "1\n"}


@pytest.mark.buildkit
def test_bundle_stand_in_installs_the_locked_gems_and_fails_like_bundler(tmp_path: Path) -> None:
    dockerfile = (
        "FROM ruby:3.3-slim\nWORKDIR /empty\n"
        + fails_with("bundle install", "Could not locate Gemfile")
        + "WORKDIR /app\nCOPY Gemfile Gemfile.lock ./\n"
        + fails_with(
            "bundle install", "No such file or directory @ rb_sysopen - /app/.ruby-version"
        )
        + "COPY .ruby-version ./\n"
        + "RUN cp Gemfile.lock /tmp/lock\n"
        + reports("BUNDLE_FROZEN=1 bundle install", "downloaded 1 package(s)", "Bundle complete!")
        + "RUN test -f /usr/local/bundle/gems/rack-3.0.11/lib/rack.rb"
        " && test -f /usr/local/bundle/cache/rack-3.0.11.gem && cmp Gemfile.lock /tmp/lock\n"
        + "RUN echo 'gem \"puma\"' >> Gemfile\n"
        + fails_with(
            "BUNDLE_FROZEN=1 bundle install", "the lockfile can't be updated because frozen"
        )
        + reports("BUNDLE_PATH=vendor/bundle bundle install", "Bundled gems are installed into")
        + "RUN test -f vendor/bundle/ruby/3.3.0/gems/puma-1.0.0/lib/puma.rb"
        " && grep -q '    puma (1.0.0)' Gemfile.lock\n"
        + "RUN ruby -e 1 && echo 'require \"rack\"' > a.rb && ruby a.rb"
        " && echo 'require \"nope\"' > b.rb && ! ruby b.rb"
        " && echo 'require \"puma\"' > p.rb && ! ruby p.rb"
        " && BUNDLE_PATH=vendor/bundle bundle exec ruby p.rb\n"
        + reports("bundle install --without test", "[DEPRECATED] The `--without` flag")
        + "RUN grep -q 'BUNDLE_WITHOUT: \"test\"' /usr/local/bundle/config\n"
    )
    result = build(dockerfile, make_context(tmp_path, PROJECT))
    assert result.ok, result.log


@pytest.mark.buildkit
def test_bundle_stand_in_keeps_downloads_in_a_cache_mount(tmp_path: Path) -> None:
    mount = "--mount=type=cache,target=/usr/local/bundle/cache,id=standin-bundle-test"
    token = unique_token()
    dockerfile = (
        f"FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock .ruby-version ./\n"
        f"RUN {mount} rm -rf /usr/local/bundle/cache/* && bundle install --frozen # {token}\n"
        f"RUN rm -rf /usr/local/bundle/gems /usr/local/bundle/specifications\n"
        + reports("bundle install --frozen", "cache hit 1/1", mount=mount)
    )
    result = build(dockerfile, make_context(tmp_path, PROJECT))
    assert result.ok, result.log


@pytest.mark.buildkit
def test_gem_stand_in_installs_bundler_into_gem_home(tmp_path: Path) -> None:
    dockerfile = (
        "FROM ruby:3.3-slim\n"
        + reports("gem install bundler -v 2.5.11", "Successfully installed bundler-2.5.11")
        + "RUN test -x /usr/local/bundle/bin/bundle && gem list | grep -q 'bundler (2.5.11)'\n"
    )
    result = build(dockerfile, make_context(tmp_path, {"x": "1"}))
    assert result.ok, result.log


@pytest.mark.buildkit
def test_bundle_stand_in_installs_from_vendor_cache_and_fails_offline_without_it(
    tmp_path: Path,
) -> None:
    dockerfile = (
        "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock .ruby-version ./\n"
        + fails_with("bundle install --local", "Could not find gem 'rack' in locally installed")
        + "COPY vendor vendor\n"
        + reports("bundle install --local", "from vendor/cache", "downloaded 0 package(s)")
    )
    files = {**PROJECT, "vendor/cache/rack-3.0.11.gem": "gem"}
    result = build(dockerfile, make_context(tmp_path, files))
    assert result.ok, result.log
