"""What an image reference tells us before anything is pulled: OS family, toolchains, defaults.

dfopt never contacts a registry, yet rules need to know whether a stage uses ``apt`` or ``apk``,
whether ``node`` is on the PATH, and where ``GOPATH`` points. Official images follow stable
conventions (``node:20-alpine`` is Alpine, ``python:3.12`` is Debian, ``golang`` sets
``GOPATH=/go``), so a small table of names and tag words gets most real Dockerfiles right. Every
guess here is a guess: anything not recognised is ``"unknown"``, never a default OS.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rewriter.records import Record

# Family values. ``rhel`` (dnf/yum/microdnf) and ``windows`` are extra to the brief's list.
DEBIAN = "debian"
UBUNTU = "ubuntu"
ALPINE = "alpine"
RHEL = "rhel"
DISTROLESS = "distroless"
SCRATCH = "scratch"
BUSYBOX = "busybox"
WINDOWS = "windows"
UNKNOWN = "unknown"
FAMILIES = (DEBIAN, UBUNTU, ALPINE, RHEL, DISTROLESS, SCRATCH, BUSYBOX, WINDOWS, UNKNOWN)

#: The PATH BuildKit gives a stage whose image defines none (``scratch``).
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class ImageRef(Record):
    """An image reference split the way ``docker pull`` reads it.

    ``registry`` is None for Docker Hub; ``path`` is the repository path without the registry
    (``library/`` removed, ``bitnami/node``); ``name`` its last component; ``tag`` and
    ``digest`` are None when absent. Unresolved ``${VAR}`` text stays in whichever part it is.
    """

    __slots__ = ("digest", "path", "registry", "tag", "text")

    def __init__(
        self, text: str, registry: str | None, path: str, tag: str | None, digest: str | None
    ) -> None:
        self.text = text
        self.registry = registry
        self.path = path
        self.tag = tag
        self.digest = digest

    @property
    def name(self) -> str:
        """The last path component (``gcr.io/distroless/java17`` -> ``java17``)."""
        return self.path.rsplit("/", 1)[-1]


def parse_image_ref(text: str) -> ImageRef:
    """Split ``[registry/]path[:tag][@digest]``; never raises, even on half-expanded text."""
    rest, _, digest = text.partition("@")
    slash = rest.find("/")
    registry = None
    if slash > 0:
        first = rest[:slash]
        if "." in first or ":" in first or first == "localhost":
            registry, rest = first.lower(), rest[slash + 1 :]
    tag = None
    colon = rest.rfind(":")
    if colon > rest.rfind("/"):
        rest, tag = rest[:colon], rest[colon + 1 :]
    path = rest.lower()
    if registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
        registry = None
        if path.startswith("library/"):
            path = path[len("library/") :]
    return ImageRef(text, registry, path, tag, digest or None)


# -- family ----------------------------------------------------------------------------------

# Images whose default tag is built on a known family. Keys are repository paths on Docker Hub
# (without ``library/``) or full paths with the registry for other registries.
_NAME_FAMILY: dict[str, str] = {
    "scratch": SCRATCH,
    "busybox": BUSYBOX,
    "alpine": ALPINE,
    "debian": DEBIAN,
    "buildpack-deps": DEBIAN,
    "ubuntu": UBUNTU,
    "node": DEBIAN,
    "python": DEBIAN,
    "pypy": DEBIAN,
    "golang": DEBIAN,
    "rust": DEBIAN,
    "ruby": DEBIAN,
    "php": DEBIAN,
    "perl": DEBIAN,
    "gcc": DEBIAN,
    "haskell": DEBIAN,
    "elixir": UBUNTU,
    "erlang": DEBIAN,
    "nginx": DEBIAN,
    "httpd": DEBIAN,
    "redis": DEBIAN,
    "postgres": DEBIAN,
    "openjdk": DEBIAN,
    "tomcat": UBUNTU,
    "eclipse-temurin": UBUNTU,
    "maven": UBUNTU,
    "gradle": UBUNTU,
    "sapmachine": UBUNTU,
    "ibm-semeru-runtimes": UBUNTU,
    "mongo": UBUNTU,
    "swift": UBUNTU,
    "amazoncorretto": RHEL,
    "amazonlinux": RHEL,
    "fedora": RHEL,
    "centos": RHEL,
    "rockylinux": RHEL,
    "almalinux": RHEL,
    "oraclelinux": RHEL,
    "mysql": RHEL,
    "oven/bun": DEBIAN,
    "denoland/deno": DEBIAN,
    "mcr.microsoft.com/dotnet/sdk": DEBIAN,
    "mcr.microsoft.com/dotnet/aspnet": DEBIAN,
    "mcr.microsoft.com/dotnet/runtime": DEBIAN,
    "mcr.microsoft.com/dotnet/runtime-deps": DEBIAN,
}
_REGISTRY_PREFIX_FAMILY: tuple[tuple[str, str], ...] = (
    ("gcr.io/distroless/", DISTROLESS),
    ("cgr.dev/chainguard/wolfi-base", ALPINE),
    ("cgr.dev/chainguard/", DISTROLESS),
    ("registry.access.redhat.com/", RHEL),
    ("registry.redhat.io/", RHEL),
    ("quay.io/centos/", RHEL),
    ("mcr.microsoft.com/windows", WINDOWS),
    ("mcr.microsoft.com/powershell", WINDOWS),
    ("redhat/ubi", RHEL),
)
# Words in a tag that name the OS the variant is built on, most specific first.
_TAG_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"alpine"), ALPINE),
    (re.compile(r"distroless"), DISTROLESS),
    (re.compile(r"windowsservercore|nanoserver|ltsc20"), WINDOWS),
    (re.compile(r"(?:^|[-_.])(?:jammy|focal|noble|bionic|xenial|ubuntu)"), UBUNTU),
    (
        re.compile(r"(?:^|[-_.])(?:bookworm|bullseye|buster|stretch|trixie|jessie|slim|debian)"),
        DEBIAN,
    ),
    (
        re.compile(r"(?:^|[-_.])(?:ubi\d*|oraclelinux\d*|amazonlinux\d*|al2\d*|azurelinux|cbl)"),
        RHEL,
    ),
)


def _full_path(ref: ImageRef) -> str:
    return f"{ref.registry}/{ref.path}" if ref.registry else ref.path


def guess_family(image: str) -> str:
    """The OS family of ``image`` (one of :data:`FAMILIES`), guessed from its name and tag.

    Tag words win over the name (``node:20-alpine`` is Alpine, ``golang:1.22-bookworm`` Debian),
    except for distroless registries, whose tags name the Debian they are built from. A name we
    do not know gives ``"unknown"``; so does a name whose tag is wholly a variable.
    """
    return _guess_family(image)


@lru_cache(maxsize=512)
def _guess_family(image: str) -> str:
    if image.strip().lower() == "scratch":
        return SCRATCH
    ref = parse_image_ref(image.strip())
    full = _full_path(ref)
    for prefix, family in _REGISTRY_PREFIX_FAMILY:
        if full.startswith(prefix):
            if family == DISTROLESS and ref.tag and re.search(r"(?:^|[-_.])dev\b", ref.tag):
                return ALPINE if full.startswith("cgr.dev/") else DEBIAN
            return family
    tag = (ref.tag or "").lower()
    for pattern, family in _TAG_WORDS:
        if pattern.search(tag):
            return family
    family = _NAME_FAMILY.get(full, UNKNOWN)
    if family == UNKNOWN:
        return UNKNOWN
    if ref.path == "openjdk" and _openjdk_is_oracle(tag):
        return RHEL
    if "$" in tag:  # FROM node:${TAG}: the variant is not known
        return UNKNOWN
    return family


def _openjdk_is_oracle(tag: str) -> bool:
    """openjdk:17 and later (non-slim) images were built on Oracle Linux."""
    match = re.match(r"(\d+)", tag)
    return bool(match) and int(match.group(1)) >= 12


# -- toolchains ------------------------------------------------------------------------------

_NAME_TOOLCHAINS: dict[str, tuple[str, ...]] = {
    "node": ("node",),
    "python": ("python",),
    "pypy": ("python",),
    "golang": ("go", "gcc"),
    "rust": ("rust", "gcc"),
    "gcc": ("gcc",),
    "buildpack-deps": ("gcc",),
    "ruby": ("ruby",),
    "php": ("php",),
    "perl": ("perl",),
    "elixir": ("elixir", "erlang"),
    "erlang": ("erlang",),
    "haskell": ("haskell", "gcc"),
    "swift": ("swift",),
    "openjdk": ("java", "jdk"),
    "eclipse-temurin": ("java", "jdk"),
    "amazoncorretto": ("java", "jdk"),
    "sapmachine": ("java", "jdk"),
    "ibm-semeru-runtimes": ("java", "jdk"),
    "maven": ("maven", "java", "jdk"),
    "gradle": ("gradle", "java", "jdk"),
    "tomcat": ("java", "jre"),
    "oven/bun": ("bun",),
    "denoland/deno": ("deno",),
    "mcr.microsoft.com/dotnet/sdk": ("dotnet",),
}
# Full (non-slim, non-alpine) variants of these are built on buildpack-deps, which has gcc/make.
_BUILDPACK_BASED = frozenset({"node", "python", "ruby", "pypy", "perl", "php"})
_DISTROLESS_TOOLCHAINS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"^java"), ("java", "jre")),
    (re.compile(r"^nodejs"), ("node",)),
    (re.compile(r"^python"), ("python",)),
)


def guess_toolchains(image: str) -> frozenset[str]:
    """Language tools the image is known to ship: node, python, go, java, jdk, jre, maven, ...

    ``jdk``/``jre`` tell a build image from a runtime one (``eclipse-temurin:21-jre`` is
    ``{java, jre}``); ``gcc`` marks images with a C toolchain (buildpack-deps variants).
    """
    return _guess_toolchains(image)


@lru_cache(maxsize=512)
def _guess_toolchains(image: str) -> frozenset[str]:
    ref = parse_image_ref(image.strip())
    full = _full_path(ref)
    tag = (ref.tag or "").lower()
    if full.startswith("gcr.io/distroless/"):
        for pattern, tools in _DISTROLESS_TOOLCHAINS:
            if pattern.search(ref.path[len("distroless/") :]):
                return frozenset(tools)
        return frozenset()
    tools = set(_NAME_TOOLCHAINS.get(full, ()))
    if "jdk" in tools and re.search(r"(?:^|[-_.])jre", tag):
        tools.discard("jdk")
        tools.add("jre")
    if ref.path in _BUILDPACK_BASED and tag and not re.search(r"alpine|slim|\$", tag):
        tools.add("gcc")
    if ref.path in ("golang", "rust") and "alpine" in tag:
        tools.discard("gcc")
    if ref.path in ("maven", "gradle") and "jre" in tag:
        tools.discard("jdk")
        tools.add("jre")
    return frozenset(tools)


# -- defaults the image sets -----------------------------------------------------------------


class ImageDefaults(Record):
    """Config an official image is known to set: ENV (value None = set, value unknown),
    WORKDIR and USER. ``env_complete`` is True only when the list is the image's whole ENV
    (``scratch``), so a name missing from it is really undefined.
    """

    __slots__ = ("env", "env_complete", "user", "workdir")

    def __init__(
        self,
        env: dict[str, str | None] | None = None,  # None: {}
        workdir: str | None = None,
        user: str | None = None,
        env_complete: bool = False,
    ) -> None:
        self.env = {} if env is None else env
        self.workdir = workdir
        self.user = user
        self.env_complete = env_complete


_TEMURIN_ENV: dict[str, str | None] = {
    "JAVA_HOME": "/opt/java/openjdk",
    "JAVA_VERSION": None,
    "LANG": "en_US.UTF-8",
    "LANGUAGE": "en_US:en",
    "LC_ALL": "en_US.UTF-8",
}
_IMAGE_DEFAULTS: dict[str, ImageDefaults] = {
    "golang": ImageDefaults(
        env={"GOPATH": "/go", "GOTOOLCHAIN": "local", "GOLANG_VERSION": None}, workdir="/go"
    ),
    "node": ImageDefaults(env={"NODE_VERSION": None, "YARN_VERSION": None}),
    "python": ImageDefaults(env={"PYTHON_VERSION": None, "LANG": "C.UTF-8"}),
    "rust": ImageDefaults(
        env={
            "RUSTUP_HOME": "/usr/local/rustup",
            "CARGO_HOME": "/usr/local/cargo",
            "RUST_VERSION": None,
        }
    ),
    "eclipse-temurin": ImageDefaults(env=dict(_TEMURIN_ENV)),
    "maven": ImageDefaults(
        env={**_TEMURIN_ENV, "MAVEN_HOME": "/usr/share/maven", "MAVEN_CONFIG": "/root/.m2"}
    ),
    "gradle": ImageDefaults(
        env={**_TEMURIN_ENV, "GRADLE_HOME": "/opt/gradle", "GRADLE_VERSION": None},
        workdir="/home/gradle",
    ),
    "ruby": ImageDefaults(
        env={"RUBY_VERSION": None, "GEM_HOME": "/usr/local/bundle", "BUNDLE_APP_CONFIG": None}
    ),
    "php": ImageDefaults(env={"PHP_VERSION": None, "PHP_INI_DIR": "/usr/local/etc/php"}),
}


def image_defaults(image: str) -> ImageDefaults:
    """What ``image`` is known to configure; an empty, incomplete record for unknown images."""
    shared = shared_image_defaults(image)
    return ImageDefaults(
        env=dict(shared.env),
        workdir=shared.workdir,
        user=shared.user,
        env_complete=shared.env_complete,
    )


@lru_cache(maxsize=512)
def shared_image_defaults(image: str) -> ImageDefaults:
    """``image_defaults``, computed once per image text: the model asks for every stage. The
    record (and its ``env``) is shared between callers, so it must not be modified."""
    return _image_defaults(image)


def _image_defaults(image: str) -> ImageDefaults:
    if image.strip().lower() == "scratch":
        return ImageDefaults(env={"PATH": DEFAULT_PATH}, env_complete=True)
    ref = parse_image_ref(image.strip())
    found = _IMAGE_DEFAULTS.get(_full_path(ref))
    base = found or ImageDefaults()
    env: dict[str, str | None] = {"PATH": None, **base.env}
    user = base.user
    if _full_path(ref).startswith("gcr.io/distroless/") and "nonroot" in (ref.tag or ""):
        user = "nonroot"
    return ImageDefaults(env=env, workdir=base.workdir, user=user, env_complete=False)
