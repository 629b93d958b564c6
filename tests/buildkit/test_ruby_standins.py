"""The offline Ruby stand-ins (``ruby:3.3`` / ``ruby:3.3-slim`` images, standins/tools/bundle,
gem, ruby) read what bundler reads, so that DF101's bundler rewrite, proved with them in
``test_dependency_first_builds`` (the ``DF101-bundler*`` corpus cases), is proved against the
behaviour that matters: the stand-in fails without the Gemfile or a file the Gemfile names, it
honours frozen mode and BUNDLE_PATH, and its gem cache is warm in a cache mount.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import build, make_context, unique_token
from .test_standins import fails_with, reports

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
