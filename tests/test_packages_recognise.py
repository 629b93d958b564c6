"""Package-manager recognition: kind, manifests, lockfile mode, cache dirs and defeaters."""

from __future__ import annotations

import pytest

from rewriter.analyse.packages import (
    BUILD,
    CLEANUP,
    DEPENDENCY_INSTALL,
    DOWNLOAD,
    INDEX_UPDATE,
    OTHER,
    PackageAction,
    recognise,
)
from rewriter.analyse.shell import parse_shell

ROOT = {"home": "/root", "user": "root"}
APP = {"home": "/home/app", "user": "app"}


def _one(text: str, *, env=None, workdir: str = "/", who=ROOT, index: int = -1) -> PackageAction:
    script = parse_shell(text)
    action = recognise(script.commands[index], env=env or {}, workdir=workdir, **who)
    assert action is not None, text
    return action


def _none(text: str) -> bool:
    return all(recognise(c) is None for c in parse_shell(text).commands)


# -- kinds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tool", "kind"),
    [
        ("apt-get update", "apt-get", INDEX_UPDATE),
        ("apt install -y curl", "apt-get", DEPENDENCY_INSTALL),
        ("apt-get -o Acquire::Retries=3 install -y curl", "apt-get", DEPENDENCY_INSTALL),
        ("apt-get clean", "apt-get", CLEANUP),
        ("apk update", "apk", INDEX_UPDATE),
        ("apk add --no-cache git", "apk", DEPENDENCY_INSTALL),
        ("dnf makecache", "dnf", INDEX_UPDATE),
        ("yum install -y httpd", "yum", DEPENDENCY_INSTALL),
        ("microdnf install -y shadow-utils", "microdnf", DEPENDENCY_INSTALL),
        ("dnf clean all", "dnf", CLEANUP),
        ("npm ci", "npm", DEPENDENCY_INSTALL),
        ("npm --loglevel warn ci", "npm", DEPENDENCY_INSTALL),
        ("npm run build", "npm", BUILD),
        ("npm run lint", "npm", OTHER),
        ("npm cache clean --force", "npm", CLEANUP),
        ("yarn", "yarn", DEPENDENCY_INSTALL),
        ("yarn build", "yarn", BUILD),
        ("pnpm fetch", "pnpm", DOWNLOAD),
        ("bun install", "bun", DEPENDENCY_INSTALL),
        ("pip install flask", "pip", DEPENDENCY_INSTALL),
        ("python3 -m pip install -r r.txt", "pip", DEPENDENCY_INSTALL),
        ("python3.12 -m pip wheel -w /wheels -r r.txt", "pip", BUILD),
        ("pip cache purge", "pip", CLEANUP),
        ("uv pip install -r r.txt", "uv", DEPENDENCY_INSTALL),
        ("uv sync --frozen", "uv", DEPENDENCY_INSTALL),
        ("poetry install", "poetry", DEPENDENCY_INSTALL),
        ("pipenv install --deploy", "pipenv", DEPENDENCY_INSTALL),
        ("go mod download", "go", DOWNLOAD),
        ("go build -o /bin/app .", "go", BUILD),
        ("go install golang.org/x/tools/gopls@v0.15.0", "go", DEPENDENCY_INSTALL),
        ("go get github.com/x/y", "go", DEPENDENCY_INSTALL),
        ("go clean -modcache", "go", CLEANUP),
        ("go clean", "go", OTHER),
        ("mvn -B dependency:go-offline", "mvn", DOWNLOAD),
        ("./mvnw clean package -DskipTests", "mvn", BUILD),
        ("./gradlew build --no-daemon", "gradle", BUILD),
        ("gradle dependencies", "gradle", DOWNLOAD),
        ("bundle install", "bundle", DEPENDENCY_INSTALL),
        ("gem install bundler", "gem", DEPENDENCY_INSTALL),
        ("composer install --no-dev", "composer", DEPENDENCY_INSTALL),
        ("cargo build --release", "cargo", BUILD),
        ("cargo fetch", "cargo", DOWNLOAD),
        ("cargo install ripgrep", "cargo", DEPENDENCY_INSTALL),
        ("dotnet restore", "dotnet", DEPENDENCY_INSTALL),
        ("dotnet publish -c Release -o /out", "dotnet", BUILD),
        ("sudo -E apt-get install -y vim", "apt-get", DEPENDENCY_INSTALL),
        ("env DEBIAN_FRONTEND=noninteractive apt-get install -y x", "apt-get", DEPENDENCY_INSTALL),
    ],
)
def test_tool_and_kind(text: str, tool: str, kind: str) -> None:
    action = _one(text)
    assert (action.tool, action.kind) == (tool, kind)


def test_unrelated_commands_are_not_recognised() -> None:
    assert _none("echo pip install x; ls; make; pipx install black; rm -rf node_modules")


def test_unknown_span_is_not_recognised() -> None:
    script = parse_shell("apt-get install 'x")
    assert [recognise(c) for c in script.commands] == [None]


def test_package_arguments_are_reported_as_words() -> None:
    action = _one("apt-get install -y --no-install-recommends curl=7.88 ca-certificates")
    assert [w.value for w in action.packages] == ["curl=7.88", "ca-certificates"]


# -- manifests and sources ---------------------------------------------------------------------


def test_npm_ci_reads_package_json_and_lockfile_in_cwd_after_cd() -> None:
    action = _one("cd frontend && npm ci", workdir="/app")
    assert action.manifests == ("package.json", "package-lock.json")
    assert action.directory == "/app/frontend"
    assert action.installs_from_lockfile and not action.lockfile_mode_available
    assert not action.needs_sources and action.downloads


def test_npm_install_could_be_npm_ci_but_not_with_package_arguments() -> None:
    assert _one("npm install").lockfile_mode_available
    assert not _one("npm install express").lockfile_mode_available
    assert _one("npm install -g npm@10").manifests == ()


def test_npm_prefix_and_yarn_cwd_move_the_project_directory() -> None:
    assert _one("npm --prefix web ci", workdir="/app").directory == "/app/web"
    assert _one("yarn --cwd=web install", workdir="/app").directory == "/app/web"


def test_unknown_cwd_leaves_directory_unknown() -> None:
    assert _one("cd $APP_DIR && npm ci").directory is None


@pytest.mark.parametrize(
    ("text", "lockfile", "available"),
    [
        ("yarn install --frozen-lockfile", True, False),
        ("yarn install --immutable", True, False),
        ("yarn install", False, True),
        ("pnpm install --frozen-lockfile", True, False),
        ("pnpm i", False, True),
        ("bun install --frozen-lockfile", True, False),
        ("poetry install --no-root", True, False),
        ("pipenv install --deploy", True, False),
        ("pipenv install", False, True),
        ("pipenv sync", True, False),
        ("uv sync --locked", True, False),
        ("uv sync", False, True),
        ("pip install --require-hashes -r r.txt", True, False),
        ("pip install -r r.txt", False, False),
        ("composer install", True, False),
        ("cargo build --locked", True, False),
        ("dotnet restore --locked-mode", True, False),
        ("bundle install", False, True),
    ],
)
def test_lockfile_mode(text: str, lockfile: bool, available: bool) -> None:
    action = _one(text)
    assert (action.installs_from_lockfile, action.lockfile_mode_available) == (lockfile, available)


def test_bundler_frozen_by_environment() -> None:
    assert _one("bundle install", env={"BUNDLE_FROZEN": "true"}).installs_from_lockfile


def test_pip_requirement_and_constraint_files_are_manifests() -> None:
    action = _one("pip install -r requirements/base.txt --requirement=dev.txt -c constraints.txt")
    assert action.manifests == ("requirements/base.txt", "dev.txt", "constraints.txt")
    assert not action.needs_sources


@pytest.mark.parametrize(
    "text",
    ["pip install .", "pip install -e .", "pip install ./pkg[extra]", "pip install dist/a.whl"],
)
def test_pip_local_paths_need_the_sources(text: str) -> None:
    action = _one(text)
    assert action.needs_sources
    assert "pyproject.toml" in action.optional_manifests


def test_poetry_install_needs_sources_unless_no_root() -> None:
    assert _one("poetry install").needs_sources
    action = _one("poetry install --no-root")
    assert not action.needs_sources
    assert action.manifests == ("pyproject.toml", "poetry.lock")


def test_uv_sync_manifests_and_project_install() -> None:
    action = _one("uv sync --frozen --no-install-project")
    assert action.manifests == ("pyproject.toml",)
    assert "uv.lock" in action.optional_manifests
    assert not action.needs_sources
    assert _one("uv sync --frozen").needs_sources


def test_go_manifests_and_build_needs_sources() -> None:
    download = _one("go mod download")
    assert download.manifests == ("go.mod",) and "go.sum" in download.optional_manifests
    assert not download.needs_sources
    assert _one("go build ./...").needs_sources


def test_go_vendor_mode_does_not_download() -> None:
    assert not _one("go build -mod=vendor ./...").downloads
    assert not _one("go build ./...", env={"GOFLAGS": "-mod=vendor"}).downloads
    assert _one("go build ./...").downloads


def test_maven_offline_and_custom_pom() -> None:
    assert not _one("mvn -o package").downloads
    assert _one("mvn -f backend/pom.xml package").manifests == ("backend/pom.xml",)


def test_gradle_manifests_are_copy_globs() -> None:
    action = _one("./gradlew dependencies")
    assert action.manifests == ("build.gradle*", "settings.gradle*")
    assert "gradlew" in action.optional_manifests


def test_cargo_manifest_path() -> None:
    assert _one("cargo fetch --manifest-path a/Cargo.toml").manifests == ("a/Cargo.toml",)


# -- cache directories --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "root", "app"),
    [
        ("npm ci", ("/root/.npm",), ("/home/app/.npm",)),
        ("pip install x", ("/root/.cache/pip",), ("/home/app/.cache/pip",)),
        ("poetry install", ("/root/.cache/pypoetry",), ("/home/app/.cache/pypoetry",)),
        ("uv sync", ("/root/.cache/uv",), ("/home/app/.cache/uv",)),
        (
            "yarn install",
            ("/usr/local/share/.cache/yarn", "/root/.yarn/berry/cache"),
            ("/home/app/.cache/yarn", "/home/app/.yarn/berry/cache"),
        ),
        (
            "pnpm install",
            ("/root/.local/share/pnpm/store",),
            ("/home/app/.local/share/pnpm/store",),
        ),
        (
            "go build .",
            ("/root/go/pkg/mod", "/root/.cache/go-build"),
            ("/home/app/go/pkg/mod", "/home/app/.cache/go-build"),
        ),
        ("go mod download", ("/root/go/pkg/mod",), ("/home/app/go/pkg/mod",)),
        ("mvn package", ("/root/.m2",), ("/home/app/.m2",)),
        ("gradle build", ("/root/.gradle",), ("/home/app/.gradle",)),
        ("dotnet restore", ("/root/.nuget/packages",), ("/home/app/.nuget/packages",)),
        (
            "apt-get install -y x",
            ("/var/cache/apt", "/var/lib/apt"),
            ("/var/cache/apt", "/var/lib/apt"),
        ),
        ("apk add x", ("/var/cache/apk",), ("/var/cache/apk",)),
    ],
)
def test_cache_dirs_for_root_and_for_a_non_root_user(text: str, root: tuple, app: tuple) -> None:
    assert _one(text, who=ROOT).cache_dirs == root
    assert _one(text, who=APP).cache_dirs == app


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("npm ci", {"npm_config_cache": "/tmp/npm"}, ("/tmp/npm",)),
        ("npm ci --cache /c/npm", {}, ("/c/npm",)),
        ("pip install x", {"PIP_CACHE_DIR": "/c/pip"}, ("/c/pip",)),
        ("pip install x", {"XDG_CACHE_HOME": "/xdg"}, ("/xdg/pip",)),
        ("pip install --cache-dir=/c/p x", {"PIP_CACHE_DIR": "/ignored"}, ("/c/p",)),
        ("go mod download", {"GOPATH": "/go"}, ("/go/pkg/mod",)),
        ("go mod download", {"GOPATH": "/go", "GOMODCACHE": "/m"}, ("/m",)),
        ("go build .", {"GOPATH": "/go", "GOCACHE": "/gc"}, ("/go/pkg/mod", "/gc")),
        ("yarn install", {"YARN_CACHE_FOLDER": "/y"}, ("/y", "/root/.yarn/berry/cache")),
        ("poetry install", {"POETRY_CACHE_DIR": "/p"}, ("/p",)),
        ("uv sync", {"UV_CACHE_DIR": "/u"}, ("/u",)),
        ("mvn package", {"MAVEN_OPTS": "-Xmx1g -Dmaven.repo.local=/repo"}, ("/repo",)),
        ("mvn -Dmaven.repo.local=/r2 package", {}, ("/r2",)),
        ("gradle build", {"GRADLE_USER_HOME": "/g"}, ("/g",)),
        ("gradle -g /g2 build", {}, ("/g2",)),
        ("composer install", {"COMPOSER_HOME": "/tmp"}, ("/tmp/cache",)),
        ("bun install", {"BUN_INSTALL_CACHE_DIR": "/b"}, ("/b",)),
    ],
)
def test_environment_and_flags_override_cache_dirs(text: str, env: dict, expected: tuple) -> None:
    assert _one(text, env=env).cache_dirs == expected


def test_env_prefix_on_the_command_overrides_the_cache_dir() -> None:
    assert _one("PIP_CACHE_DIR=/p pip install x").cache_dirs == ("/p",)


# -- cache defeaters -----------------------------------------------------------------------------


def test_pip_no_cache_dir_flag_and_env_prefix_have_exact_spans() -> None:
    text = "PIP_NO_CACHE_DIR=1 pip install --no-cache-dir -r r.txt"
    action = _one(text)
    spans = sorted((d.defeats, text[d.start : d.end]) for d in action.cache_defeaters)
    assert spans == [("pip", "--no-cache-dir"), ("pip", "PIP_NO_CACHE_DIR=1")]
    assert all(d.word is not None for d in action.cache_defeaters)


def test_pip_no_cache_dir_from_the_environment_has_no_span() -> None:
    (defeater,) = _one("pip install x", env={"PIP_NO_CACHE_DIR": "off"}).cache_defeaters
    assert defeater.defeats == "pip" and defeater.start is None and defeater.word is None


def test_apk_no_cache_and_uv_no_cache() -> None:
    text = "apk add --no-cache curl"
    (d,) = _one(text).cache_defeaters
    assert (d.defeats, text[d.start : d.end]) == ("apk", "--no-cache")
    assert [d.defeats for d in _one("uv pip install --no-cache x").cache_defeaters] == ["uv"]
    assert [d.defeats for d in _one("UV_NO_CACHE=1 uv sync").cache_defeaters] == ["uv"]
    assert _one("UV_NO_CACHE=0 uv sync").cache_defeaters == ()


@pytest.mark.parametrize(
    ("text", "defeats"),
    [
        ("npm cache clean --force", ["npm"]),
        ("yarn cache clean", ["yarn", "yarn-berry"]),
        ("apt-get clean", ["apt", "apt-lists"]),
        ("go clean -modcache -cache", ["go-mod", "go-build"]),
        ("pip cache purge", ["pip"]),
        ("composer clear-cache", ["composer"]),
    ],
)
def test_cleanup_commands_defeat_as_a_whole(text: str, defeats: list[str]) -> None:
    action = _one(text)
    assert action.kind == CLEANUP
    assert [d.defeats for d in action.cache_defeaters] == defeats
    assert all(
        d.word is None and (d.start, d.end) == (0, len(text)) for d in action.cache_defeaters
    )


def test_rm_of_apt_lists_is_a_cleanup_with_the_word_span() -> None:
    text = "apt-get update && rm -rf /var/lib/apt/lists/*"
    action = _one(text)
    assert (action.tool, action.kind) == ("apt-get", CLEANUP)
    (d,) = action.cache_defeaters
    assert text[d.start : d.end] == "/var/lib/apt/lists/*" and d.defeats == "apt-lists"


def test_rm_of_home_caches_follows_home_and_env() -> None:
    text = "rm -rf ~/.cache/pip $HOME/.npm /tmp/build"
    action = _one(text, who=APP)
    assert action.tool == "rm"
    assert sorted(d.defeats for d in action.cache_defeaters) == ["npm", "pip"]
    assert {d.path for d in action.cache_defeaters} == {"/home/app/.cache/pip", "/home/app/.npm"}
    other_home = parse_shell("rm -rf /root/.npm").commands[0]
    assert recognise(other_home, home="/home/app", user="app") is None


def test_rm_of_a_parent_of_a_cache_defeats_it() -> None:
    action = _one("rm -rf /root/.cache")
    assert {"pip", "uv", "poetry", "go-build"} <= {d.defeats for d in action.cache_defeaters}


def test_rm_of_unrelated_paths_is_not_recognised() -> None:
    assert _none("rm -rf /tmp/* node_modules /usr/share/doc")


# -- does the call use its cache? ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "downloads", "uses_cache"),
    [
        ("pip install -r requirements.txt", True, True),
        # local wheels, no index: pip neither downloads nor reads its cache
        ("pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl", False, False),
        ("pip wheel --no-index -w /out .", False, False),
        # uv unpacks even local wheels into its cache
        ("uv pip install --no-index --find-links=/wheels app", False, True),
        # installing from the cache is what these offline modes do
        ("npm ci --offline", False, True),
        ("npm install --offline", False, True),
        ("pnpm install --offline", False, True),
        ("mvn -o package", False, True),
        ("gradle --offline build", False, True),
        ("cargo build --offline", False, True),
        ("uv sync --offline", False, True),
        # go still builds with its caches when the modules come from vendor/
        ("go build -mod=vendor ./...", False, True),
        ("uv build", True, True),
        ("npm run build", False, False),
        ("apt-get clean", False, False),
    ],
)
def test_uses_cache_follows_downloads_and_the_tools_offline_mode(
    text: str, downloads: bool, uses_cache: bool
) -> None:
    action = _one(text)
    assert (action.downloads, action.uses_cache) == (downloads, uses_cache)


# -- a shell running a wrapper script -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tool", "kind"),
    [
        ("sh ./mvnw -B package", "mvn", BUILD),
        ("bash ./mvnw dependency:go-offline", "mvn", DOWNLOAD),
        ("sh -e ./gradlew --no-daemon build", "gradle", BUILD),
        ("bash -o pipefail ./gradlew dependencies", "gradle", DOWNLOAD),
        ("sudo sh ./mvnw package", "mvn", BUILD),
    ],
)
def test_shell_running_a_wrapper_script_is_the_wrapper(text: str, tool: str, kind: str) -> None:
    action = _one(text)
    assert (action.tool, action.kind) == (tool, kind)
    assert "/root/.m2" in action.cache_dirs or "/root/.gradle" in action.cache_dirs


@pytest.mark.parametrize(
    "text",
    ["sh -c './mvnw package'", "bash -s < ./mvnw", "sh", "sh ./build.sh", "bash -ec 'mvn x'"],
)
def test_shell_with_a_command_string_or_another_script_is_not_a_package_manager(text: str) -> None:
    """The shell command itself is not the tool (a `-c` string is parsed as its own script)."""
    assert recognise(parse_shell(text).commands[0]) is None
