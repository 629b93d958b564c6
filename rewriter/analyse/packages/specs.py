"""The package managers dfopt knows, as data: how to spot them and what each subcommand means.

Why a table: every rule that cares about dependencies (manifests first, cache mounts, cleanup,
lockfile installs) needs the same facts about the same tools. Keeping them here as data, rather
than as regexes spread over rules, means one place to check against each tool's documentation
and one place to add a tool. ``recognise.py`` interprets the table; nothing here runs code.

A cache's location is the first of its ``env`` entries that is set (``"VAR"`` or ``"VAR/sub"``,
read from the stage's ENV/ARG and the command's ``NAME=value`` prefixes), else its ``default``;
``~`` is the image user's HOME.
"""

from __future__ import annotations

from rewriter.records import Record

from .model import BUILD, CLEANUP, DEPENDENCY_INSTALL, DOWNLOAD, INDEX_UPDATE, OTHER


class Cache(Record):
    """Where one cache lives and what moves it.

    ``default`` is the location when nothing moves it (``root_default`` instead when the user
    is root, as yarn 1 does); ``env`` entries (first set wins) are ``"VAR"`` or ``"VAR/sub"``
    (GOPATH names a parent: ``"GOPATH/pkg/mod"``); ``flags`` are command-line options that
    win over both (an entry ending in ``=`` is a prefix, as in ``-Dmaven.repo.local=``), also
    looked for in the ``env_options`` variables (MAVEN_OPTS).
    """

    __slots__ = ("default", "env", "env_options", "flags", "name", "root_default")

    def __init__(
        self,
        name: str,
        default: str,
        env: tuple[str, ...] = (),
        flags: tuple[str, ...] = (),
        env_options: tuple[str, ...] = (),
        root_default: str | None = None,
    ) -> None:
        self.name = name
        self.default = default
        self.env = env
        self.flags = flags
        self.env_options = env_options
        self.root_default = root_default


class Sub(Record):
    """What one subcommand (or goal/task) does.

    ``lockfile``: installs exactly what the lockfile says. ``lockfile_flags``: flags that make it
    do so. ``lockfile_alternative``: without package arguments, a lockfile-only mode exists
    (``npm install`` -> ``npm ci``). ``with_packages_kind``: the kind when package arguments are
    given (``npm install express`` adds a dependency, it does not install the project's).
    ``no_source_flags``: flags that stop it from needing the project's sources
    (``poetry install --no-root``). ``offline_flags``: flags that stop downloads.
    ``offline_reads_cache``: whether a call with one of ``offline_flags`` still reads its
    cache. True for the tools whose offline mode *is* installing from the cache (``npm ci
    --offline``, ``mvn -o``, ``gradle --offline``, ``uv sync --offline``, ``cargo --offline``):
    they need a cache mount as much as a downloading call does. False for pip's ``--no-index``,
    which installs local archives and never looks at its HTTP/wheel cache for them.
    ``caches``: names of the tool's caches it uses (None: all of them).

    The rule every cache rule follows (``PackageAction.uses_cache``): a call uses its caches
    when it downloads, or when it runs offline and ``offline_reads_cache`` is True.
    """

    __slots__ = (
        "caches",
        "downloads",
        "kind",
        "lockfile",
        "lockfile_alternative",
        "lockfile_flags",
        "manifests",
        "needs_sources",
        "no_source_flags",
        "offline_flags",
        "offline_reads_cache",
        "optional",
        "with_packages_kind",
    )

    def __init__(
        self,
        kind: str,
        downloads: bool = False,
        manifests: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        needs_sources: bool = False,
        lockfile: bool = False,
        lockfile_flags: tuple[str, ...] = (),
        lockfile_alternative: bool = False,
        with_packages_kind: str | None = None,
        no_source_flags: tuple[str, ...] = (),
        offline_flags: tuple[str, ...] = (),
        offline_reads_cache: bool = True,
        caches: tuple[str, ...] | None = None,
    ) -> None:
        self.kind = kind
        self.downloads = downloads
        self.manifests = manifests
        self.optional = optional
        self.needs_sources = needs_sources
        self.lockfile = lockfile
        self.lockfile_flags = lockfile_flags
        self.lockfile_alternative = lockfile_alternative
        self.with_packages_kind = with_packages_kind
        self.no_source_flags = no_source_flags
        self.offline_flags = offline_flags
        self.offline_reads_cache = offline_reads_cache
        self.caches = caches


class Tool(Record):
    """One package manager: how it is invoked and what its subcommands mean.

    ``launchers`` are argv prefixes (fnmatch patterns, the first matched against the command's
    basename): ``("python*", "-m", "pip")``. ``value_options`` take a separate value, so the
    value is not mistaken for the subcommand. ``dir_options`` move the project directory
    (``npm --prefix``, ``yarn --cwd``). ``goals``: every positional is a goal/task (maven,
    gradle) and the strongest kind wins. ``default_sub``: what a bare call means (``yarn``).
    ``defeat_flags``/``defeat_env`` map a flag or variable to the cache it disables.
    """

    __slots__ = (
        "caches",
        "default_sub",
        "defeat_env",
        "defeat_flags",
        "dir_options",
        "ecosystem",
        "goals",
        "launchers",
        "manifest_flags",
        "single_dash_long",
        "subcommands",
        "tool",
        "value_options",
    )

    def __init__(
        self,
        tool: str,
        ecosystem: str,
        launchers: tuple[tuple[str, ...], ...],
        subcommands: dict[str, Sub],
        caches: tuple[Cache, ...] = (),
        value_options: frozenset[str] = frozenset(),
        dir_options: tuple[str, ...] = (),
        goals: bool = False,
        default_sub: str | None = None,
        defeat_flags: dict[str, str] | None = None,  # None: {}
        defeat_env: dict[str, str] | None = None,  # None: {}
        manifest_flags: tuple[str, ...] = (),  # options whose value is a manifest (pip -r, -c)
        single_dash_long: bool = False,  # `-modcache`, `-pl`: one dash, several letters, one option
    ) -> None:
        self.tool = tool
        self.ecosystem = ecosystem
        self.launchers = launchers
        self.subcommands = subcommands
        self.caches = caches
        self.value_options = value_options
        self.dir_options = dir_options
        self.goals = goals
        self.default_sub = default_sub
        self.defeat_flags = {} if defeat_flags is None else defeat_flags
        self.defeat_env = {} if defeat_env is None else defeat_env
        self.manifest_flags = manifest_flags
        self.single_dash_long = single_dash_long


# -- system packages -------------------------------------------------------------------------

_APT_CACHES = (Cache("apt", "/var/cache/apt"), Cache("apt-lists", "/var/lib/apt"))
APT = Tool(
    tool="apt-get",
    ecosystem="deb",
    launchers=(("apt-get",), ("apt",), ("aptitude",)),
    subcommands={
        "update": Sub(INDEX_UPDATE, downloads=True),
        "install": Sub(DEPENDENCY_INSTALL, downloads=True),
        "upgrade": Sub(DEPENDENCY_INSTALL, downloads=True),
        "dist-upgrade": Sub(DEPENDENCY_INSTALL, downloads=True),
        "full-upgrade": Sub(DEPENDENCY_INSTALL, downloads=True),
        "build-dep": Sub(DEPENDENCY_INSTALL, downloads=True),
        "download": Sub(DOWNLOAD, downloads=True),
        "source": Sub(DOWNLOAD, downloads=True),
        "clean": Sub(CLEANUP),
        "autoclean": Sub(CLEANUP),
    },
    caches=_APT_CACHES,
    value_options=frozenset({"-o", "--option", "-c", "--config-file", "-t", "--target-release"}),
)
APK = Tool(
    tool="apk",
    ecosystem="apk",
    launchers=(("apk",),),
    subcommands={
        "update": Sub(INDEX_UPDATE, downloads=True),
        "add": Sub(DEPENDENCY_INSTALL, downloads=True),
        "upgrade": Sub(DEPENDENCY_INSTALL, downloads=True),
        "fetch": Sub(DOWNLOAD, downloads=True),
        "cache clean": Sub(CLEANUP),
        "cache purge": Sub(CLEANUP),
    },
    caches=(Cache("apk", "/var/cache/apk", flags=("--cache-dir",)),),
    value_options=frozenset(
        {"-X", "--repository", "-p", "--root", "--arch", "-t", "--virtual", "--cache-dir"}
    ),
    defeat_flags={"--no-cache": "apk"},
)


def _rpm(name: str, cache: str) -> Tool:
    return Tool(
        tool=name,
        ecosystem="rpm",
        launchers=((name,),),
        subcommands={
            "makecache": Sub(INDEX_UPDATE, downloads=True),
            "install": Sub(DEPENDENCY_INSTALL, downloads=True),
            "update": Sub(DEPENDENCY_INSTALL, downloads=True),
            "upgrade": Sub(DEPENDENCY_INSTALL, downloads=True),
            "reinstall": Sub(DEPENDENCY_INSTALL, downloads=True),
            "groupinstall": Sub(DEPENDENCY_INSTALL, downloads=True),
            "builddep": Sub(DEPENDENCY_INSTALL, downloads=True),
            "download": Sub(DOWNLOAD, downloads=True),
            "clean": Sub(CLEANUP),
        },
        caches=(Cache(name, cache),),
        value_options=frozenset(
            {"--setopt", "--installroot", "--releasever", "--enablerepo", "--disablerepo", "-x"}
        ),
    )


DNF = _rpm("dnf", "/var/cache/dnf")
YUM = _rpm("yum", "/var/cache/yum")
MICRODNF = _rpm("microdnf", "/var/cache/yum")

# -- JavaScript ------------------------------------------------------------------------------

_NPM_MANIFESTS = ("package.json", "package-lock.json")
_NPM_OPTIONAL = ("npm-shrinkwrap.json", ".npmrc")
#: npm installs only from its cache with --offline (an offline_reads_cache tool).
_NPM_OFFLINE = ("--offline",)
NPM = Tool(
    tool="npm",
    ecosystem="node",
    launchers=(("npm",),),
    subcommands={
        "ci": Sub(
            DEPENDENCY_INSTALL,
            True,
            _NPM_MANIFESTS,
            _NPM_OPTIONAL,
            lockfile=True,
            offline_flags=_NPM_OFFLINE,
        ),
        "clean-install": Sub(
            DEPENDENCY_INSTALL,
            True,
            _NPM_MANIFESTS,
            _NPM_OPTIONAL,
            lockfile=True,
            offline_flags=_NPM_OFFLINE,
        ),
        "install": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("package.json",),
            ("package-lock.json", *_NPM_OPTIONAL),
            lockfile_alternative=True,
            with_packages_kind=DEPENDENCY_INSTALL,
            offline_flags=_NPM_OFFLINE,
        ),
        "install-clean": Sub(
            DEPENDENCY_INSTALL,
            True,
            _NPM_MANIFESTS,
            _NPM_OPTIONAL,
            lockfile=True,
            offline_flags=_NPM_OFFLINE,
        ),
        "run build": Sub(BUILD, needs_sources=True, caches=()),
        "run-script build": Sub(BUILD, needs_sources=True, caches=()),
        "cache clean": Sub(CLEANUP),
        "cache verify": Sub(OTHER),
        "prune": Sub(OTHER, caches=()),
        "pack": Sub(BUILD, needs_sources=True, caches=()),
    },
    caches=(
        Cache("npm", "~/.npm", env=("npm_config_cache", "NPM_CONFIG_CACHE"), flags=("--cache",)),
    ),
    value_options=frozenset(
        {"--prefix", "--cache", "--registry", "--loglevel", "-w", "--workspace"}
    ),
    dir_options=("--prefix",),
)
for _alias in ("i", "add", "isntall"):
    NPM.subcommands[_alias] = NPM.subcommands["install"]

_YARN_OPTIONAL = (".yarnrc.yml", ".yarnrc", ".yarn/releases", ".yarn/plugins", ".yarn/patches")
YARN = Tool(
    tool="yarn",
    ecosystem="node",
    launchers=(("yarn",), ("corepack", "yarn")),
    subcommands={
        "install": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("package.json", "yarn.lock"),
            _YARN_OPTIONAL,
            lockfile_flags=("--frozen-lockfile", "--immutable"),
            lockfile_alternative=True,
        ),
        "add": Sub(DEPENDENCY_INSTALL, True, ("package.json",), ("yarn.lock", *_YARN_OPTIONAL)),
        "build": Sub(BUILD, needs_sources=True, caches=()),
        "run build": Sub(BUILD, needs_sources=True, caches=()),
        "cache clean": Sub(CLEANUP),
        "workspaces focus": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("package.json", "yarn.lock"),
            _YARN_OPTIONAL,
            lockfile_alternative=True,
        ),
    },
    caches=(
        Cache(
            "yarn",
            "~/.cache/yarn",
            env=("YARN_CACHE_FOLDER", "XDG_CACHE_HOME/yarn"),
            flags=("--cache-folder",),
            root_default="/usr/local/share/.cache/yarn",
        ),
        Cache("yarn-berry", "~/.yarn/berry/cache", env=("YARN_GLOBAL_FOLDER/cache",)),
    ),
    value_options=frozenset({"--cwd", "--cache-folder", "--modules-folder", "--network-timeout"}),
    dir_options=("--cwd",),
    default_sub="install",
)

PNPM = Tool(
    tool="pnpm",
    ecosystem="node",
    launchers=(("pnpm",), ("corepack", "pnpm")),
    subcommands={
        "install": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("package.json", "pnpm-lock.yaml"),
            ("pnpm-workspace.yaml", ".npmrc", ".pnpmfile.cjs"),
            lockfile_flags=("--frozen-lockfile",),
            lockfile_alternative=True,
            with_packages_kind=DEPENDENCY_INSTALL,
            offline_flags=("--offline",),
        ),
        "fetch": Sub(
            DOWNLOAD, True, ("pnpm-lock.yaml",), ("pnpm-workspace.yaml", ".npmrc"), lockfile=True
        ),
        "add": Sub(DEPENDENCY_INSTALL, True, ("package.json",), ("pnpm-lock.yaml", ".npmrc")),
        "run build": Sub(BUILD, needs_sources=True, caches=()),
        "build": Sub(BUILD, needs_sources=True, caches=()),
        "store prune": Sub(CLEANUP),
    },
    caches=(
        Cache(
            "pnpm",
            "~/.local/share/pnpm/store",
            env=(
                "npm_config_store_dir",
                "NPM_CONFIG_STORE_DIR",
                "PNPM_HOME/store",
                "XDG_DATA_HOME/pnpm/store",
            ),
            flags=("--store-dir",),
        ),
    ),
    value_options=frozenset({"-C", "--dir", "--store-dir", "--filter", "-F", "--reporter"}),
    dir_options=("-C", "--dir"),
)
PNPM.subcommands["i"] = PNPM.subcommands["install"]

BUN = Tool(
    tool="bun",
    ecosystem="node",
    launchers=(("bun",),),
    subcommands={
        "install": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("package.json",),
            ("bun.lock", "bun.lockb", "bunfig.toml"),
            lockfile_flags=("--frozen-lockfile",),
            lockfile_alternative=True,
            with_packages_kind=DEPENDENCY_INSTALL,
        ),
        "add": Sub(DEPENDENCY_INSTALL, True, ("package.json",), ("bun.lock", "bun.lockb")),
        "run build": Sub(BUILD, needs_sources=True, caches=()),
        "build": Sub(BUILD, needs_sources=True, caches=()),
        "pm cache rm": Sub(CLEANUP),
    },
    caches=(
        Cache(
            "bun",
            "~/.bun/install/cache",
            env=("BUN_INSTALL_CACHE_DIR", "BUN_INSTALL/install/cache"),
            flags=("--cache-dir",),
        ),
    ),
    value_options=frozenset({"--cwd", "--cache-dir"}),
    dir_options=("--cwd",),
    defeat_flags={"--no-cache": "bun"},
)
BUN.subcommands["i"] = BUN.subcommands["install"]

# -- Python ----------------------------------------------------------------------------------

_PIP_VALUE_OPTIONS = frozenset(
    {
        "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
        "-f", "--find-links", "--cache-dir", "-t", "--target", "--prefix", "--root", "--src",
        "--trusted-host", "--platform", "--python-version", "--implementation", "--abi",
        "--upgrade-strategy", "--progress-bar", "--log", "--timeout", "--retries", "--proxy",
        "--cert", "--client-cert", "-d", "--dest", "-w", "--wheel-dir", "--python",
        "--config-settings", "-C", "--global-option", "--root-user-action", "--report",
        "--only-binary", "--no-binary", "--exists-action", "-e", "--editable", "-o",
        "--output-file",
    }
)  # fmt: skip
_PIP_INSTALL = Sub(
    DEPENDENCY_INSTALL,
    downloads=True,
    lockfile_flags=("--require-hashes",),
    offline_flags=("--no-index",),
    offline_reads_cache=False,
)
#: uv unpacks even local wheels into its cache and links them from there: --no-index still
#: reads and writes the cache.
_UV_PIP_INSTALL = Sub(
    DEPENDENCY_INSTALL,
    downloads=True,
    lockfile_flags=("--require-hashes",),
    offline_flags=("--no-index", "--offline"),
)
PIP = Tool(
    tool="pip",
    ecosystem="python",
    launchers=(("pip",), ("pip3",), ("pip3.*",), ("python*", "-m", "pip")),
    subcommands={
        "install": _PIP_INSTALL,
        "download": Sub(
            DOWNLOAD, downloads=True, offline_flags=("--no-index",), offline_reads_cache=False
        ),
        "wheel": Sub(
            BUILD, downloads=True, offline_flags=("--no-index",), offline_reads_cache=False
        ),
        "cache purge": Sub(CLEANUP),
        "cache remove": Sub(CLEANUP),
    },
    caches=(
        Cache(
            "pip",
            "~/.cache/pip",
            env=("PIP_CACHE_DIR", "XDG_CACHE_HOME/pip"),
            flags=("--cache-dir",),
        ),
    ),
    value_options=_PIP_VALUE_OPTIONS,
    defeat_flags={"--no-cache-dir": "pip"},
    defeat_env={"PIP_NO_CACHE_DIR": "pip"},
    manifest_flags=("-r", "--requirement", "-c", "--constraint"),
)

UV_PIP = Tool(
    tool="uv",
    ecosystem="python",
    launchers=(("uv", "pip"), ("python*", "-m", "uv", "pip")),
    subcommands={
        "install": _UV_PIP_INSTALL,
        "sync": Sub(
            DEPENDENCY_INSTALL, downloads=True, lockfile=True, offline_flags=("--offline",)
        ),
        "compile": Sub(OTHER, downloads=True),
    },
    caches=(
        Cache(
            "uv", "~/.cache/uv", env=("UV_CACHE_DIR", "XDG_CACHE_HOME/uv"), flags=("--cache-dir",)
        ),
    ),
    value_options=_PIP_VALUE_OPTIONS | {"--index", "--default-index"},
    defeat_flags={"--no-cache": "uv", "-n": "uv"},
    defeat_env={"UV_NO_CACHE": "uv"},
    manifest_flags=("-r", "--requirement", "-c", "--constraint"),
)
UV = Tool(
    tool="uv",
    ecosystem="python",
    launchers=(("uv",),),
    subcommands={
        "sync": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("pyproject.toml",),
            ("uv.lock", "uv.toml", ".python-version"),
            needs_sources=True,
            lockfile_flags=("--frozen", "--locked"),
            lockfile_alternative=True,
            no_source_flags=("--no-install-project", "--only-deps"),
            offline_flags=("--offline",),
        ),
        "lock": Sub(OTHER, True, ("pyproject.toml",), ("uv.lock",)),
        "build": Sub(BUILD, downloads=True, needs_sources=True, offline_flags=("--offline",)),
        "cache clean": Sub(CLEANUP),
        "cache prune": Sub(CLEANUP),
        "tool install": Sub(DEPENDENCY_INSTALL, downloads=True),
        "python install": Sub(DOWNLOAD, downloads=True),
    },
    caches=UV_PIP.caches,
    value_options=frozenset(
        {
            "--cache-dir",
            "--directory",
            "--project",
            "--python",
            "-p",
            "--extra",
            "--group",
            "--package",
            "--index",
            "--default-index",
        }
    ),
    dir_options=("--directory", "--project"),
    defeat_flags=UV_PIP.defeat_flags,
    defeat_env=UV_PIP.defeat_env,
)

POETRY = Tool(
    tool="poetry",
    ecosystem="python",
    launchers=(("poetry",), ("python*", "-m", "poetry")),
    subcommands={
        "install": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("pyproject.toml", "poetry.lock"),
            ("poetry.toml",),
            needs_sources=True,
            lockfile=True,
            no_source_flags=("--no-root", "--no-directory"),
        ),
        "sync": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("pyproject.toml", "poetry.lock"),
            ("poetry.toml",),
            needs_sources=True,
            lockfile=True,
            no_source_flags=("--no-root", "--no-directory"),
        ),
        "add": Sub(DEPENDENCY_INSTALL, True, ("pyproject.toml",), ("poetry.lock", "poetry.toml")),
        "build": Sub(BUILD, needs_sources=True, caches=()),
        "lock": Sub(OTHER, True, ("pyproject.toml",), ("poetry.lock",)),
        "export": Sub(OTHER, False, ("pyproject.toml", "poetry.lock"), caches=()),
        "cache clear": Sub(CLEANUP),
    },
    caches=(
        Cache("poetry", "~/.cache/pypoetry", env=("POETRY_CACHE_DIR", "XDG_CACHE_HOME/pypoetry")),
    ),
    value_options=frozenset(
        {"--only", "--with", "--without", "-E", "--extras", "-C", "--directory", "-P", "--project"}
    ),
    dir_options=("-C", "--directory", "-P", "--project"),
    defeat_flags={"--no-cache": "poetry"},
)

PIPENV = Tool(
    tool="pipenv",
    ecosystem="python",
    launchers=(("pipenv",), ("python*", "-m", "pipenv")),
    subcommands={
        "install": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("Pipfile", "Pipfile.lock"),
            lockfile_flags=("--deploy", "--ignore-pipfile"),
            lockfile_alternative=True,
            with_packages_kind=DEPENDENCY_INSTALL,
        ),
        "sync": Sub(DEPENDENCY_INSTALL, True, ("Pipfile", "Pipfile.lock"), lockfile=True),
        "lock": Sub(OTHER, True, ("Pipfile",), ("Pipfile.lock",)),
    },
    caches=(
        Cache("pipenv", "~/.cache/pipenv", env=("PIPENV_CACHE_DIR", "XDG_CACHE_HOME/pipenv")),
        Cache("pip", "~/.cache/pip", env=("PIP_CACHE_DIR", "XDG_CACHE_HOME/pip")),
    ),
    defeat_env={"PIP_NO_CACHE_DIR": "pip"},
)

# -- Go, JVM, Ruby, PHP, Rust, .NET ----------------------------------------------------------

_GO_MANIFESTS = ("go.mod",)
_GO_OPTIONAL = ("go.sum", "go.work", "go.work.sum")
_GO_CACHES = (
    Cache("go-mod", "~/go/pkg/mod", env=("GOMODCACHE", "GOPATH/pkg/mod")),
    Cache("go-build", "~/.cache/go-build", env=("GOCACHE", "XDG_CACHE_HOME/go-build")),
)
GO = Tool(
    tool="go",
    ecosystem="go",
    launchers=(("go",),),
    subcommands={
        "mod download": Sub(DOWNLOAD, True, _GO_MANIFESTS, _GO_OPTIONAL, caches=("go-mod",)),
        "build": Sub(BUILD, True, _GO_MANIFESTS, _GO_OPTIONAL, needs_sources=True),
        "install": Sub(
            BUILD,
            True,
            _GO_MANIFESTS,
            _GO_OPTIONAL,
            needs_sources=True,
            with_packages_kind=BUILD,
        ),
        "test": Sub(BUILD, True, _GO_MANIFESTS, _GO_OPTIONAL, needs_sources=True),
        "vet": Sub(BUILD, True, _GO_MANIFESTS, _GO_OPTIONAL, needs_sources=True),
        "generate": Sub(OTHER, True, _GO_MANIFESTS, _GO_OPTIONAL, needs_sources=True),
        "get": Sub(DEPENDENCY_INSTALL, True, _GO_MANIFESTS, _GO_OPTIONAL, caches=("go-mod",)),
        "mod tidy": Sub(OTHER, True, _GO_MANIFESTS, _GO_OPTIONAL, needs_sources=True),
        "mod vendor": Sub(DOWNLOAD, True, _GO_MANIFESTS, _GO_OPTIONAL, needs_sources=True),
        "mod verify": Sub(OTHER, True, _GO_MANIFESTS, _GO_OPTIONAL, caches=("go-mod",)),
        "clean": Sub(CLEANUP),
    },
    caches=_GO_CACHES,
    value_options=frozenset(
        {
            "-o",
            "-C",
            "-ldflags",
            "-gcflags",
            "-tags",
            "-mod",
            "-p",
            "-pkgdir",
            "-modfile",
            "-run",
            "-asmflags",
            "-buildmode",
        }
    ),
    dir_options=("-C",),
    single_dash_long=True,
)

_MAVEN_CACHES = (
    Cache(
        "maven",
        "~/.m2",
        flags=("-Dmaven.repo.local=",),
        env_options=("MAVEN_OPTS", "MAVEN_ARGS"),
    ),
)
_MVN_BUILD = Sub(
    BUILD, True, ("pom.xml",), (".mvn",), needs_sources=True, offline_flags=("-o", "--offline")
)
_MVN_DOWNLOAD = Sub(DOWNLOAD, True, ("pom.xml",), (".mvn",), offline_flags=("-o", "--offline"))
MAVEN = Tool(
    tool="mvn",
    ecosystem="maven",
    launchers=(("mvn",), ("mvnw",), ("mvnw.cmd",)),
    subcommands={
        **{
            goal: _MVN_BUILD
            for goal in (
                "compile",
                "test",
                "package",
                "verify",
                "install",
                "deploy",
                "spring-boot:repackage",
                "test-compile",
                "site",
            )
        },
        **{
            goal: _MVN_DOWNLOAD
            for goal in (
                "dependency:go-offline",
                "dependency:resolve",
                "dependency:resolve-plugins",
                "dependency:copy-dependencies",
                "de.qaware.maven:go-offline-maven-plugin:resolve-dependencies",
            )
        },
        "dependency:purge-local-repository": Sub(CLEANUP),
        "clean": Sub(OTHER, caches=()),
    },
    caches=_MAVEN_CACHES,
    value_options=frozenset(
        {
            "-f",
            "--file",
            "-s",
            "--settings",
            "-pl",
            "--projects",
            "-P",
            "--activate-profiles",
            "-T",
            "--threads",
            "-gs",
            "-t",
            "-rf",
        }
    ),
    goals=True,
    single_dash_long=True,
)

_GRADLE_MANIFESTS = ("build.gradle*", "settings.gradle*")
_GRADLE_OPTIONAL = ("gradle.properties", "gradle/", "gradlew", "buildSrc/")
_GRADLE_BUILD = Sub(
    BUILD,
    True,
    _GRADLE_MANIFESTS,
    _GRADLE_OPTIONAL,
    needs_sources=True,
    offline_flags=("--offline",),
)
_GRADLE_DOWNLOAD = Sub(
    DOWNLOAD, True, _GRADLE_MANIFESTS, _GRADLE_OPTIONAL, offline_flags=("--offline",)
)
GRADLE = Tool(
    tool="gradle",
    ecosystem="gradle",
    launchers=(("gradle",), ("gradlew",)),
    subcommands={
        **{
            task: _GRADLE_BUILD
            for task in (
                "build",
                "assemble",
                "jar",
                "bootJar",
                "shadowJar",
                "installDist",
                "test",
                "check",
                "compileJava",
                "compileKotlin",
                "classes",
                "war",
                "bootWar",
                "distTar",
                "distZip",
                "nativeCompile",
                "publish",
            )
        },
        **{
            task: _GRADLE_DOWNLOAD
            for task in (
                "dependencies",
                "downloadDependencies",
                "resolveDependencies",
                "androidDependencies",
                "--refresh-dependencies",
            )
        },
        "clean": Sub(OTHER, caches=()),
    },
    caches=(
        Cache(
            "gradle",
            "~/.gradle",
            env=("GRADLE_USER_HOME",),
            flags=("-g", "--gradle-user-home", "-Dgradle.user.home="),
            env_options=("GRADLE_OPTS",),
        ),
    ),
    value_options=frozenset(
        {
            "-p",
            "--project-dir",
            "-g",
            "--gradle-user-home",
            "-x",
            "--exclude-task",
            "-b",
            "--build-file",
            "-c",
            "--settings-file",
            "-I",
            "--init-script",
            "--max-workers",
        }
    ),
    dir_options=("-p", "--project-dir"),
    goals=True,
    single_dash_long=True,
)

BUNDLER = Tool(
    tool="bundle",
    ecosystem="ruby",
    launchers=(("bundle",), ("bundler",)),
    subcommands={
        "install": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("Gemfile", "Gemfile.lock"),
            (".bundle/config", "*.gemspec"),
            lockfile_flags=("--frozen", "--deployment"),
            lockfile_alternative=True,
            offline_flags=("--local",),
        ),
        "config": Sub(OTHER, caches=()),
        "exec": Sub(OTHER, caches=()),
        "clean": Sub(CLEANUP),
    },
    caches=(
        Cache("bundler", "~/.bundle/cache", env=("BUNDLE_USER_CACHE", "BUNDLE_USER_HOME/cache")),
        Cache("gem", "~/.gem/cache", env=("GEM_HOME/cache",)),
    ),
    value_options=frozenset(
        {"--path", "--gemfile", "--jobs", "-j", "--retry", "--without", "--with"}
    ),
)
GEM = Tool(
    tool="gem",
    ecosystem="ruby",
    launchers=(("gem",),),
    subcommands={
        "install": Sub(DEPENDENCY_INSTALL, downloads=True),
        "update": Sub(DEPENDENCY_INSTALL, downloads=True),
        "build": Sub(BUILD, needs_sources=True, caches=()),
        "cleanup": Sub(OTHER, caches=()),
    },
    caches=(Cache("gem", "~/.gem/cache", env=("GEM_HOME/cache",)),),
    value_options=frozenset(
        {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source"}
    ),
)

COMPOSER = Tool(
    tool="composer",
    ecosystem="php",
    launchers=(("composer",), ("composer.phar",), ("php", "composer.phar")),
    subcommands={
        "install": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("composer.json", "composer.lock"),
            ("auth.json",),
            needs_sources=True,
            lockfile=True,
            no_source_flags=("--no-autoloader",),
        ),
        "update": Sub(
            DEPENDENCY_INSTALL,
            True,
            ("composer.json",),
            ("composer.lock",),
            needs_sources=True,
            no_source_flags=("--no-autoloader",),
        ),
        "require": Sub(DEPENDENCY_INSTALL, True, ("composer.json",), ("composer.lock",)),
        "dump-autoload": Sub(BUILD, needs_sources=True, caches=()),
        "clear-cache": Sub(CLEANUP),
        "clearcache": Sub(CLEANUP),
    },
    caches=(
        Cache(
            "composer",
            "~/.cache/composer",
            env=("COMPOSER_CACHE_DIR", "COMPOSER_HOME/cache", "XDG_CACHE_HOME/composer"),
        ),
    ),
    value_options=frozenset({"-d", "--working-dir"}),
    dir_options=("-d", "--working-dir"),
    defeat_flags={"--no-cache": "composer"},
)

_CARGO_CACHES = (
    Cache("cargo-registry", "~/.cargo/registry", env=("CARGO_HOME/registry",)),
    Cache("cargo-git", "~/.cargo/git", env=("CARGO_HOME/git",)),
    Cache("cargo-target", "target", env=("CARGO_TARGET_DIR",), flags=("--target-dir",)),
)
_CARGO_BUILD = Sub(
    BUILD,
    True,
    ("Cargo.toml",),
    ("Cargo.lock", ".cargo/config.toml"),
    needs_sources=True,
    lockfile_flags=("--locked", "--frozen"),
    offline_flags=("--offline", "--frozen"),
)
CARGO = Tool(
    tool="cargo",
    ecosystem="rust",
    launchers=(("cargo",),),
    subcommands={
        "build": _CARGO_BUILD,
        "test": _CARGO_BUILD,
        "check": _CARGO_BUILD,
        "run": _CARGO_BUILD,
        "fetch": Sub(
            DOWNLOAD,
            True,
            ("Cargo.toml", "Cargo.lock"),
            (".cargo/config.toml",),
            lockfile_flags=("--locked", "--frozen"),
            caches=("cargo-registry", "cargo-git"),
        ),
        "install": Sub(
            BUILD,
            True,
            ("Cargo.toml",),
            ("Cargo.lock",),
            needs_sources=True,
            lockfile_flags=("--locked", "--frozen"),
            with_packages_kind=BUILD,
        ),
        "vendor": Sub(DOWNLOAD, True, ("Cargo.toml", "Cargo.lock"), needs_sources=True),
        "clean": Sub(CLEANUP, caches=("cargo-target",)),
    },
    caches=_CARGO_CACHES,
    value_options=frozenset(
        {
            "--manifest-path",
            "--target-dir",
            "-p",
            "--package",
            "--target",
            "--features",
            "-F",
            "-j",
            "--jobs",
            "--bin",
            "--profile",
            "--root",
        }
    ),
)

_DOTNET_MANIFESTS = ("*.csproj",)
_DOTNET_OPTIONAL = (
    "*.sln",
    "*.fsproj",
    "NuGet.config",
    "nuget.config",
    "Directory.Build.props",
    "Directory.Packages.props",
    "packages.lock.json",
    "global.json",
)
DOTNET = Tool(
    tool="dotnet",
    ecosystem="nuget",
    launchers=(("dotnet",),),
    subcommands={
        "restore": Sub(
            DEPENDENCY_INSTALL,
            True,
            _DOTNET_MANIFESTS,
            _DOTNET_OPTIONAL,
            lockfile_flags=("--locked-mode",),
        ),
        "build": Sub(
            BUILD,
            True,
            _DOTNET_MANIFESTS,
            _DOTNET_OPTIONAL,
            needs_sources=True,
            offline_flags=("--no-restore",),
        ),
        "publish": Sub(
            BUILD,
            True,
            _DOTNET_MANIFESTS,
            _DOTNET_OPTIONAL,
            needs_sources=True,
            offline_flags=("--no-restore",),
        ),
        "test": Sub(
            BUILD,
            True,
            _DOTNET_MANIFESTS,
            _DOTNET_OPTIONAL,
            needs_sources=True,
            offline_flags=("--no-restore",),
        ),
        "nuget locals": Sub(CLEANUP),
    },
    caches=(Cache("nuget", "~/.nuget/packages", env=("NUGET_PACKAGES",), flags=("--packages",)),),
    value_options=frozenset(
        {
            "-c",
            "--configuration",
            "-o",
            "--output",
            "-r",
            "--runtime",
            "-f",
            "--framework",
            "-s",
            "--source",
            "--packages",
            "-p",
        }
    ),
)

# Longer launchers first, so that `uv pip install` is not taken for `uv` with subcommand `pip`.
TOOLS: tuple[Tool, ...] = (
    APT, APK, DNF, YUM, MICRODNF,
    NPM, YARN, PNPM, BUN,
    UV_PIP, PIP, UV, POETRY, PIPENV,
    GO, MAVEN, GRADLE, BUNDLER, GEM, COMPOSER, CARGO, DOTNET,
)  # fmt: skip

# Commands that run the rest of their arguments as a command (sudo apt-get ...).
WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "--user", "-g", "--group", "-C", "-D", "-h", "-p", "-r", "-t"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S"}),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "--format", "-o", "--output"}),
    "xvfb-run": frozenset({"-s", "--server-args", "-n"}),
}

# Shells that run a script file named by their first operand (`sh ./mvnw package` runs the
# Maven wrapper as `./mvnw package` would, without needing its executable bit): the options
# that take a separate value. A shell given -c (a command string) or -s (commands on stdin)
# runs no script file and is not unwrapped.
SCRIPT_SHELLS: dict[str, frozenset[str]] = {
    "sh": frozenset({"-o", "+o"}),
    "dash": frozenset({"-o", "+o"}),
    "ash": frozenset({"-o", "+o"}),
    "bash": frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"}),
    "zsh": frozenset({"-o", "+o"}),
}

# Paths (besides every cache above) whose removal defeats a cache: (prefix, cache name).
EXTRA_CLEANUP_PATHS: tuple[tuple[str, str], ...] = (
    ("/var/lib/apt/lists", "apt-lists"),
    ("/var/cache/apt/archives", "apt"),
    ("/var/cache/apk", "apk"),
)
