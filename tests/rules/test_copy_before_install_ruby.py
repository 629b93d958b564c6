"""DF101 for Ruby's bundler: ``COPY . .`` before ``bundle install`` becomes a COPY of the Gemfile
and Gemfile.lock (and the local config or version file they need), the install, then the rest;
and every case where what bundler reads is not certain is left alone with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.rules.base import Applicability
from tests.rules.test_copy_before_install import findings, fixed, left_alone, make, one

GEMFILE = 'source "https://rubygems.org"\n\ngem "rack", "~> 3.0"\ngem "puma", require: false\n'
LOCK = (
    "GEM\n  remote: https://rubygems.org/\n  specs:\n    puma (6.4.2)\n    rack (3.0.11)\n\n"
    "PLATFORMS\n  ruby\n\nDEPENDENCIES\n  puma\n  rack (~> 3.0)\n\nBUNDLED WITH\n   2.5.9\n"
)
APP = 'FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nRUN {install}\nCMD ["ruby", "app.rb"]\n'


def app(tmp_path: Path, extra: dict[str, str] | None = None, **overrides: str) -> Path:
    files = {"Gemfile": GEMFILE, "Gemfile.lock": LOCK, "app.rb": "puts 1\n"}
    files.update(extra or {})
    files.update(overrides)
    return make(tmp_path, {k: v for k, v in files.items() if v is not None})


def expect(install: str, copies: str) -> str:
    return (
        f"FROM ruby:3.3-slim\nWORKDIR /app\n{copies}\nRUN {install}\nCOPY . .\n"
        'CMD ["ruby", "app.rb"]\n'
    )


# -- the fix -------------------------------------------------------------------------------------


def test_frozen_install_copies_gemfile_and_lock_first_safely(tmp_path: Path) -> None:
    source = APP.format(install="bundle install --frozen")
    context = app(tmp_path)
    finding = one(source, context)
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert "copy Gemfile and Gemfile.lock first" in finding.message
    assert fixed(source, context) == expect(
        "bundle install --frozen", "COPY Gemfile Gemfile.lock ./"
    )


@pytest.mark.parametrize(
    ("install", "env"),
    [
        ("BUNDLE_FROZEN=true bundle install", ""),
        ("bundle install", "ENV BUNDLE_DEPLOYMENT=1\n"),
        ("bundle install --deployment", ""),
        ("bundle install", "ENV BUNDLE_FROZEN=1\n"),
    ],
)
def test_frozen_settings_make_the_fix_safe(tmp_path: Path, install: str, env: str) -> None:
    source = f"FROM ruby:3.3\n{env}WORKDIR /app\nCOPY . .\nRUN {install}\n"
    finding = one(source, app(tmp_path))
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE


def test_frozen_in_the_local_config_makes_the_fix_safe_and_the_config_is_copied(
    tmp_path: Path,
) -> None:
    source = APP.format(install="bundle install").replace("ruby:3.3-slim", "example.com/rb:3")
    context = app(tmp_path, {".bundle/config": '---\nBUNDLE_FROZEN: "true"\n'})
    finding = one(source, context)
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert fixed(source, context) == expect(
        "bundle install", "COPY Gemfile Gemfile.lock ./\nCOPY .bundle/config ./.bundle/"
    ).replace("ruby:3.3-slim", "example.com/rb:3")


def test_local_config_does_not_make_the_fix_safe_where_bundle_app_config_may_move_it(
    tmp_path: Path,
) -> None:
    """The official ruby images set BUNDLE_APP_CONFIG (elsewhere): the project's config may not
    be read at all, so its frozen setting cannot make the fix safe (the file is still copied)."""
    source = APP.format(install="bundle install")
    context = app(tmp_path, {".bundle/config": '---\nBUNDLE_FROZEN: "true"\n'})
    finding = one(source, context)
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert fixed(source, context, unsafe=True) == expect(
        "bundle install", "COPY Gemfile Gemfile.lock ./\nCOPY .bundle/config ./.bundle/"
    )


def test_an_install_path_in_the_local_config_counts_as_an_output(tmp_path: Path) -> None:
    extra = {".bundle/config": '---\nBUNDLE_PATH: "vendor/bundle"\n', "vendor/bundle/x": "1"}
    left_alone(APP.format(install="bundle install --frozen"), app(tmp_path, extra),
               "holds vendor/bundle")  # fmt: skip


def test_bundle_app_config_outside_the_project_is_not_copied(tmp_path: Path) -> None:
    source = "FROM ruby:3.3\nENV BUNDLE_APP_CONFIG=/usr/local/bundle\nWORKDIR /app\nCOPY . .\n"
    source += "RUN bundle install --without test\n"
    context = app(tmp_path, {".bundle/config": '---\nBUNDLE_PATH: "x"\n'})
    assert "COPY Gemfile Gemfile.lock ./\nRUN" in fixed(source, context, unsafe=True)


def test_install_path_that_is_the_project_itself_is_left_alone(tmp_path: Path) -> None:
    left_alone(APP.format(install="bundle install --frozen --path=."), app(tmp_path),
               "the install path is the project folder itself")  # fmt: skip


def test_config_set_in_the_same_run_counts_as_settings(tmp_path: Path) -> None:
    install = (
        "bundle config set --local deployment true && bundle config set without 'development"
        " test' && bundle install"
    )
    finding = one(APP.format(install=install), app(tmp_path / "clean"))
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    left_alone(APP.format(install=install), app(tmp_path / "vendored", {"vendor/bundle/x": "1"}),
               "holds vendor/bundle")  # fmt: skip
    left_alone(APP.format(install=install), app(tmp_path / "config", {".bundle/config": "---\n"}),
               "holds .bundle (the local config")  # fmt: skip


def test_global_config_set_in_the_same_run_yields_to_the_environment(tmp_path: Path) -> None:
    install = "bundle config set --global gemfile other/Gemfile && bundle install --frozen"
    left_alone(APP.format(install=install), app(tmp_path), "BUNDLE_GEMFILE names another")
    source = "FROM ruby:3.3\nENV BUNDLE_GEMFILE=Gemfile\nWORKDIR /app\nCOPY . .\n"
    source += f"RUN {install}\n"
    assert one(source, app(tmp_path)).fix is not None


@pytest.mark.parametrize(
    "config", ["bundle config unset path", "bundle config --delete path", "bundle config set x"]
)
def test_config_changes_dfopt_does_not_follow_are_left_alone(tmp_path: Path, config: str) -> None:
    install = f"{config} && bundle install --frozen"
    left_alone(APP.format(install=install), app(tmp_path), "dfopt does not follow `bundle config")


def test_reading_the_config_in_the_same_run_is_fine(tmp_path: Path) -> None:
    install = "bundle config && bundle config get path && bundle install --frozen"
    assert one(APP.format(install=install), app(tmp_path)).fix is not None


def test_remembered_flags_without_the_context_say_where_bundler_writes() -> None:
    finding = one(APP.format(install="bundle install --without development"))
    assert finding.fix is not None
    assert any("keep .bundle out of the build context" in n for n in finding.fix.notes)


def test_install_that_may_rewrite_the_lockfile_is_unsafe_with_a_note(tmp_path: Path) -> None:
    source = APP.format(install="bundle install")
    context = app(tmp_path)
    finding = one(source, context)
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert "may rewrite Gemfile.lock" in finding.fix.notes[0]
    assert fixed(source, context) == source
    assert fixed(source, context, unsafe=True) == expect(
        "bundle install", "COPY Gemfile Gemfile.lock ./"
    )


def test_without_a_lockfile_only_the_gemfile_is_copied_and_the_fix_is_safe(
    tmp_path: Path,
) -> None:
    source = APP.format(install="bundle install")
    context = app(tmp_path, **{"Gemfile.lock": None})
    assert fixed(source, context) == expect("bundle install", "COPY Gemfile ./")


def test_without_the_context_the_fix_uses_patterns_and_is_unsafe() -> None:
    source = APP.format(install="bundle install --frozen")
    finding = one(source)
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert "cannot read the Gemfile" in finding.fix.notes[0]
    assert fixed(source) == source
    assert fixed(source, unsafe=True) == expect(
        "bundle install --frozen", "COPY Gemfile Gemfile.lock* ./"
    )


def test_ruby_file_version_files_are_copied_with_the_gemfile(tmp_path: Path) -> None:
    gemfile = f'source "https://rubygems.org"\nruby file: ".ruby-version"\n{GEMFILE}'
    context = app(tmp_path, {".ruby-version": "3.3.4\n"}, Gemfile=gemfile)
    source = APP.format(install="bundle install --frozen")
    assert fixed(source, context) == expect(
        "bundle install --frozen", "COPY Gemfile Gemfile.lock .ruby-version ./"
    )


def test_a_rails_style_gemfile_with_groups_platforms_and_options_is_fixed(tmp_path: Path) -> None:
    gemfile = (
        'source "https://rubygems.org"\n'
        'git_source(:github) { |repo| "https://github.com/#{repo}.git" }\n\n'
        'ruby "3.3.4"\n# Bundle edge Rails instead: gem "rails", github: "rails/rails"\n'
        'gem "rails", "~> 7.1.3", ">= 7.1.3.4"\n'
        'gem "tzinfo-data", platforms: %i[ windows jruby ]\n'
        'gem "bootsnap", require: false\n'
        'gem "sidekiq",\n  "~> 7.2",\n  require: "sidekiq/web"\n'
        'gem "nokogiri", git: "https://github.com/sparklemotion/nokogiri.git", branch: "main"\n'
        "group :development, :test do\n"
        '  gem "debug", platforms: %i[ mri windows ], require: "debug/prelude"\nend\n'
        'gem "pg" if ENV["DB"] == "postgres"\n'
    )
    context = app(tmp_path, Gemfile=gemfile)
    finding = one(APP.format(install="bundle install --frozen"), context)
    assert finding.fix is not None, finding.message


def test_an_old_rails_gemfile_with_a_git_source_block_and_install_if_is_fixed(
    tmp_path: Path,
) -> None:
    gemfile = (
        "source 'https://rubygems.org'\n"
        "git_source(:github) do |repo_name|\n"
        '  repo_name = "#{repo_name}/#{repo_name}" unless repo_name.include?("/")\n'
        '  "https://github.com/#{repo_name}.git"\nend\n\n'
        "ruby '2.7.8'\ngem 'rails', '~> 5.2.8'\n"
        "install_if -> { RUBY_PLATFORM =~ /darwin/ } do\n  gem 'rb-fsevent'\nend\n"
    )
    finding = one(APP.format(install="bundle install --frozen"), app(tmp_path, Gemfile=gemfile))
    assert finding.fix is not None, finding.message


def test_a_git_source_block_that_reads_files_is_left_alone(tmp_path: Path) -> None:
    gemfile = f"{GEMFILE}git_source(:mine) do |r|\n  File.read('URL')\nend\n"
    left_alone(APP.format(install="bundle install"), app(tmp_path, Gemfile=gemfile),
               "may read other files")  # fmt: skip


def test_array_flags_and_job_options_are_accepted(tmp_path: Path) -> None:
    install = "bundle install -j4 --jobs $(nproc) --retry=3 --without development test --frozen"
    finding = one(APP.format(install=install), app(tmp_path))
    assert finding.fix is not None, finding.message


def test_gemfile_named_exactly_by_bundle_gemfile_is_fixed(tmp_path: Path) -> None:
    source = "FROM ruby:3.3\nENV BUNDLE_GEMFILE=/app/Gemfile\nWORKDIR /app\nCOPY . .\n"
    source += "RUN bundle install --frozen\n"
    assert one(source, app(tmp_path)).fix is not None


def test_a_copy_into_a_subfolder_of_the_context_is_fixed(tmp_path: Path) -> None:
    context = make(tmp_path, {"web/Gemfile": GEMFILE, "web/Gemfile.lock": LOCK})
    source = "FROM ruby:3.3\nWORKDIR /app\nCOPY web/ .\nRUN bundle install --frozen\n"
    assert fixed(source, context) == (
        "FROM ruby:3.3\nWORKDIR /app\nCOPY web/Gemfile web/Gemfile.lock ./\n"
        "RUN bundle install --frozen\nCOPY web/ .\n"
    )


# -- left alone ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("gemspec", "reads the project's *.gemspec"),
        ('gem "mylib", path: "vendor/mylib"', "installs a gem from a local folder"),
        ('gem "mylib", :path => "../mylib"', "installs a gem from a local folder"),
        ('path "engines" do\n  gem "admin"\nend', "installs gems from a local folder"),
        ('eval_gemfile "Gemfile.common"', "evaluates another Gemfile"),
        ('require_relative "lib/version"', "loads other Ruby files"),
        ('ruby File.read(".ruby-version").strip', "may read other files"),
        ('gem "x", "~> #{File.read(\'VERSION\')}"', "may read other files"),
        ('ruby file: "config/ruby-version"', "reads config/ruby-version"),
        ('gem "mylib", git: "../mylib"', "from a local repository"),
        ('source "vendor/gems"', "reads gems from a local folder"),
        ('source "file:///gems" do\n  gem "x"\nend', "reads gems from a local folder"),
        ('gem "mylib", git: "file:///src/mylib"', "from a local repository"),
        ("Dir['plugins/*/Gemfile'].each { |f| eval(File.read(f)) }", "runs Ruby"),
        ("def helper\n  1\nend", "runs Ruby that dfopt does not read"),
        ("plugin 'bundler-inject'", "runs Ruby that dfopt does not read"),
    ],
)
def test_gemfile_that_may_read_other_files_is_left_alone(
    tmp_path: Path, line: str, why: str
) -> None:
    context = app(tmp_path, Gemfile=f"{GEMFILE}{line}\n")
    left_alone(APP.format(install="bundle install --frozen"), context, why)


def test_the_refusal_names_the_gemfile_line(tmp_path: Path) -> None:
    context = app(tmp_path, Gemfile=f"{GEMFILE}\ngemspec\n")
    left_alone(APP.format(install="bundle install"), context, "Gemfile line 6: `gemspec`")


def test_missing_version_file_is_left_alone(tmp_path: Path) -> None:
    context = app(tmp_path, Gemfile=f'ruby file: ".ruby-version"\n{GEMFILE}')
    left_alone(APP.format(install="bundle install"), context, ".ruby-version is not in the")


def test_lockfile_with_path_gems_is_left_alone(tmp_path: Path) -> None:
    lock = "PATH\n  remote: .\n  specs:\n    mylib (0.1.0)\n\n" + LOCK
    left_alone(APP.format(install="bundle install"), app(tmp_path, **{"Gemfile.lock": lock}),
               "installs gems from a local folder (PATH)")  # fmt: skip


def test_missing_gemfile_is_left_alone(tmp_path: Path) -> None:
    context = make(tmp_path, {"app.rb": "puts 1\n"})
    left_alone(APP.format(install="bundle install"), context, "Gemfile is not in the build")


def test_gemfile_excluded_by_dockerignore_is_left_alone(tmp_path: Path) -> None:
    context = app(tmp_path, {".dockerignore": "Gemfile\n"})
    left_alone(APP.format(install="bundle install"), context, "`.dockerignore` excludes Gemfile")


def test_gems_rb_projects_are_left_alone(tmp_path: Path) -> None:
    context = app(tmp_path, {"gems.rb": GEMFILE})
    left_alone(APP.format(install="bundle install"), context, "gems.rb/gems.locked")


def test_vendored_gem_cache_in_the_context_is_left_alone(tmp_path: Path) -> None:
    context = app(tmp_path, {"vendor/cache/rack-3.0.11.gem": "gem"})
    left_alone(APP.format(install="bundle install --local"), context, "vendor/cache (cached gems")


def test_local_install_without_the_context_is_left_alone() -> None:
    left_alone(APP.format(install="bundle install --local"), None, "`--local` installs from")


@pytest.mark.parametrize(
    ("install", "extra", "why"),
    [
        ("bundle install --deployment", {"vendor/bundle/ruby/x": "1"}, "holds vendor/bundle"),
        ("bundle install --path gems", {"gems/x": "1"}, "holds gems (the folder the gems"),
        ("bundle install --path=/app/gems", {"gems/x": "1"}, "holds gems (the folder"),
        ("bundle install --without test", {".bundle/config": "---\n"}, "holds .bundle (the local"),
    ],
)
def test_install_writing_into_a_folder_the_context_holds_is_left_alone(
    tmp_path: Path, install: str, extra: dict[str, str], why: str
) -> None:
    left_alone(APP.format(install=install), app(tmp_path, extra), why)


def test_relative_bundle_path_in_env_counts_as_an_output(tmp_path: Path) -> None:
    source = "FROM ruby:3.3\nENV BUNDLE_PATH=vendor/bundle\nWORKDIR /app\nCOPY . .\n"
    source += "RUN bundle install --frozen\n"
    left_alone(source, app(tmp_path, {"vendor/bundle/x": "1"}), "holds vendor/bundle")


def test_install_path_outside_the_context_is_fixed(tmp_path: Path) -> None:
    source = APP.format(install="bundle install --deployment")
    assert one(source, app(tmp_path)).fix is not None


@pytest.mark.parametrize(
    ("install", "env", "why"),
    [
        ("bundle install --gemfile=other/Gemfile", "", "--gemfile names another Gemfile"),
        ("bundle install --gemfile Gemfile.next", "", "--gemfile names another Gemfile"),
        ("bundle install", "ENV BUNDLE_GEMFILE=Gemfile.next\n", "BUNDLE_GEMFILE names another"),
        ("BUNDLE_GEMFILE=x/Gemfile bundle install", "", "BUNDLE_GEMFILE names another"),
        ("bundle install", "ARG G\nENV BUNDLE_GEMFILE=$G\n", "BUNDLE_GEMFILE is set to a value"),
        ("bundle install", "ARG P\nENV BUNDLE_PATH=$P\n", "BUNDLE_PATH is set to a value"),
        ("bundle install", "ENV BUNDLE_CACHE_PATH=gems/cache\n", "BUNDLE_CACHE_PATH names"),
        ("bundle install", "ENV BUNDLE_BIN=bin\n", "BUNDLE_BIN makes the install write"),
        ("bundle install --binstubs", "", "`--binstubs` writes binstubs into the project"),
        ("bundle install --standalone", "", "`--standalone` writes a standalone bundle"),
        ("bundle install --target-rbconfig x", "", "does not know what `--target-rbconfig`"),
        ("bundle install rack", "", "does not know what `rack`"),
        ("export BUNDLE_PATH=/x && bundle install", "", "the RUN sets bundler settings itself"),
    ],
)
def test_flags_and_settings_that_move_the_inputs_are_left_alone(
    tmp_path: Path, install: str, env: str, why: str
) -> None:
    source = f"FROM ruby:3.3\n{env}WORKDIR /app\nCOPY . .\nRUN {install}\n"
    left_alone(source, app(tmp_path), why)
    if "is set to a value" not in why:
        left_alone(source, None, why)


@pytest.mark.parametrize("key", ["BUNDLE_GEMFILE", "BUNDLE_CACHE_PATH", "BUNDLE_BIN"])
def test_local_config_that_moves_the_inputs_is_left_alone(tmp_path: Path, key: str) -> None:
    context = app(tmp_path, {".bundle/config": f'---\n{key}: "x"\n'})
    left_alone(APP.format(install="bundle install"), context, f".bundle/config sets {key}")


def test_a_run_between_that_is_not_a_system_setup_is_left_alone(tmp_path: Path) -> None:
    source = "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN gem install bundler -v 2.5.9\n"
    source += "RUN bundle install --frozen\n"
    left_alone(source, app(tmp_path), "`RUN gem install bundler -v 2.5.9` (line 4) runs between")


def test_the_same_run_doing_more_work_is_left_alone(tmp_path: Path) -> None:
    install = "bundle install --frozen && bundle exec bootsnap precompile --gemfile"
    left_alone(APP.format(install=install), app(tmp_path), "the same RUN also runs `bundle exec")


def test_gem_install_of_a_tool_is_not_a_dependency_step() -> None:
    source = "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN gem install rake\n"
    assert findings(source) == []


def test_the_well_written_shape_is_not_reported(tmp_path: Path) -> None:
    source = expect("bundle install --frozen", "COPY Gemfile Gemfile.lock ./")
    assert findings(source, app(tmp_path)) == []
