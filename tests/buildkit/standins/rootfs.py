"""Build the offline stand-in base images that the BuildKit tests build FROM.

Docker Hub is out of reach in CI, so every image a test Dockerfile names (``node:20-slim``,
``golang:1.22``, ...) is made here from Debian's static busybox plus small POSIX-sh stand-ins for
the package managers (``tools/``), then ``docker import``-ed under the REAL reference. Each image
gets its own marker file (``/etc/standin/image``): identical layers would let BuildKit treat stages
built on different tags as one.

Images are rebuilt only when their fingerprint changes (this file, the tools, the entry in
``images.toml``, the busybox binary or ``STANDIN_COST``); the fingerprint is stored as an image
label, so the check costs one ``docker image inspect``.

Run it as a script (``.ci/docker-up`` does): ``python rootfs.py [--force] [--remove]``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = HERE / "tools"
IMAGES_TOML = HERE.parent / "images.toml"
FINGERPRINT_LABEL = "dfopt.standin.fingerprint"
STANDIN_LIB = "/usr/local/lib/standin"
MTIME = 1_700_000_000  # fixed, so an unchanged input gives byte-identical layers
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class Kit:
    """A toolchain as the official image lays it out: where the tools sit, ENV, PATH, users."""

    tools: dict[str, str]  # path in image -> stand-in script name in tools/
    env: dict[str, str] = field(default_factory=dict)
    path: tuple[str, ...] = ()
    dirs: tuple[str, ...] = ()
    users: tuple[tuple[str, int, str], ...] = ()  # (name, uid, home)
    files: dict[str, str] = field(default_factory=dict)
    impls: tuple[str, ...] = ()  # more tools/ files the kit's tools need (libraries, engines)
    console: tuple[str, ...] = ()  # tools that `pip install NAME` puts on PATH (see pylib.sh)
    owned_dirs: tuple[tuple[str, int, int], ...] = ()  # (path, mode, uid): made after users' homes
    links: dict[str, str] = field(default_factory=dict)  # symlink path -> target
    volumes: tuple[str, ...] = ()  # VOLUME of the official image


_JAVA_BIN = "/opt/java/openjdk/bin"
KITS: dict[str, Kit] = {
    "node": Kit(
        tools={
            f"/usr/local/bin/{name}": impl
            for name, impl in {
                "node": "node",
                "npm": "npm",
                "npx": "npm",
                "yarn": "yarn",
                "yarnpkg": "yarn",
                "corepack": "corepack",
            }.items()
        },
        env={"NODE_VERSION": "20.15.1", "YARN_VERSION": "1.22.22"},
        dirs=("/usr/local/lib/node_modules",),
        # pnpm is installed but, as in the real images, only on PATH after `corepack enable`.
        impls=("nodelib.sh", "pnpm"),
        users=(("node", 1000, "/home/node"),),
    ),
    "python": Kit(
        tools={
            f"/usr/local/bin/{name}": impl
            for name, impl in {
                "python": "python",
                "python3": "python",
                "python3.12": "python",
                "pip": "pip",
                "pip3": "pip",
                "pip3.12": "pip",
            }.items()
        },
        env={"PYTHON_VERSION": "3.12.4", "LANG": "C.UTF-8"},
        dirs=("/usr/local/lib/python3.12/site-packages",),
        files={f"{STANDIN_LIB}/python.conf": "version=3.12\nprefix=/usr/local\n"},
        impls=("pylib.sh",),
        console=("poetry", "uv", "pipenv"),
    ),
    "go": Kit(
        tools={"/usr/local/go/bin/go": "go"},
        env={"GOLANG_VERSION": "1.22.5", "GOPATH": "/go", "GOTOOLCHAIN": "local"},
        path=("/go/bin", "/usr/local/go/bin"),
        dirs=("/go/bin", "/go/src"),
    ),
    "jdk": Kit(
        tools={f"{_JAVA_BIN}/{n}": "java" for n in ("java", "javac", "jar", "jshell")},
        impls=("gradle",),  # what a project's ./gradlew runs on any JDK image
        env={"JAVA_HOME": "/opt/java/openjdk", "JAVA_VERSION": "jdk-21.0.3+9", "LANG": "C.UTF-8"},
        path=(_JAVA_BIN,),
    ),
    "jre": Kit(
        tools={f"{_JAVA_BIN}/java": "java"},
        env={"JAVA_HOME": "/opt/java/openjdk", "JAVA_VERSION": "jdk-21.0.3+9", "LANG": "C.UTF-8"},
        path=(_JAVA_BIN,),
    ),
    "maven": Kit(
        tools={"/usr/share/maven/bin/mvn": "mvn", "/usr/bin/mvn": "mvn"},
        env={"MAVEN_HOME": "/usr/share/maven"},
        dirs=("/usr/share/maven/ref",),
    ),
    # The official gradle images run as root without GRADLE_USER_HOME: Gradle uses /root/.gradle,
    # a symlink to /home/gradle/.gradle, which is a VOLUME (owned by gradle, world-writable).
    "gradle": Kit(
        tools={"/opt/gradle/bin/gradle": "gradle", "/usr/bin/gradle": "gradle"},
        env={"GRADLE_HOME": "/opt/gradle", "GRADLE_VERSION": "8.8"},
        users=(("gradle", 1000, "/home/gradle"),),
        owned_dirs=(("/home/gradle", 0o757, 1000), ("/home/gradle/.gradle", 0o757, 1000)),
        links={"/root/.gradle": "/home/gradle/.gradle"},
        volumes=("/home/gradle/.gradle",),
    ),
    # The official ruby images: gems go to GEM_HOME=/usr/local/bundle (world-writable), which is
    # also BUNDLE_APP_CONFIG, so bundler's local config lives there, not in the project.
    "ruby": Kit(
        tools={
            f"/usr/local/bin/{name}": impl
            for name, impl in {
                "ruby": "ruby",
                "gem": "gem",
                "bundle": "bundle",
                "bundler": "bundle",
            }.items()
        },
        env={
            "LANG": "C.UTF-8",
            "RUBY_VERSION": "3.3.4",
            "GEM_HOME": "/usr/local/bundle",
            "BUNDLE_SILENCE_ROOT_WARNING": "1",
            "BUNDLE_APP_CONFIG": "/usr/local/bundle",
        },
        path=("/usr/local/bundle/bin",),
        impls=("rubylib.sh",),
        owned_dirs=(("/usr/local/bundle", 0o1777, 0),),
    ),
}

# Distroless images have no shell, so their "tools" are inert files at the real paths: enough for
# ENTRYPOINTs and COPY targets to line up, and a RUN fails there just as it does on the real image.
DISTROLESS_KIT_FILES: dict[str, dict[str, str]] = {
    "python": {"/usr/bin/python3.11": "python 3.11 (distroless stand-in)\n"},
    "jre": {"/usr/bin/java": "java 21 (distroless stand-in)\n"},
}
DISTROLESS_LINKS: dict[str, dict[str, str]] = {"python": {"/usr/bin/python3": "python3.11"}}
# Runtimes a test starts in a distroless image (``docker run`` with the image's ENTRYPOINT): path in
# image -> tools/ script. The script's first line is swapped for ``#!<DISTROLESS_SH> sh``, a busybox
# kept under the stand-in folder. /bin/sh stays absent, so RUN and shell-form commands fail there
# as they do on the real image, but the exec-form entrypoint (node, a native binary in the real
# image) runs and checks its script as the stand-in node does elsewhere.
DISTROLESS_RUNNABLE: dict[str, dict[str, str]] = {"node": {"/nodejs/bin/node": "node"}}
DISTROLESS_SH = f"{STANDIN_LIB}/busybox"

# Tools every image with a shell gets, by OS: path in image -> tools/ script.
_USER_TOOLS = {f"/usr/sbin/{n}": "users" for n in ("groupadd", "useradd", "addgroup", "adduser")}
OS_TOOLS: dict[str, dict[str, str]] = {
    "debian": {**_USER_TOOLS, **{f"/usr/bin/{n}": "apt-get" for n in ("apt-get", "apt", "dpkg")}},
    "ubuntu": {**_USER_TOOLS, **{f"/usr/bin/{n}": "apt-get" for n in ("apt-get", "apt", "dpkg")}},
    "alpine": {**_USER_TOOLS, "/sbin/apk": "apk"},
    "busybox": dict(_USER_TOOLS),
}
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

OS_RELEASE = {
    "debian": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
    'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
    "ubuntu": 'PRETTY_NAME="Ubuntu 24.04 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\n'
    "VERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n",
    "alpine": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.1\n'
    'PRETTY_NAME="Alpine Linux v3.20"\n',
    "busybox": 'NAME="BusyBox"\nID=busybox\n',
    "distroless": 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\n'
    'VERSION_ID="12"\n',
}

# The same effect as the hook Debian's official images ship: delete downloaded .debs after every
# dpkg run, so an apt cache mount stays cold unless the RUN removes this file.
DOCKER_CLEAN = (
    "// stand-in of the Debian image hook: drop downloaded packages after each install\n"
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
    '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
    '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
    'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n'
)


@dataclass(frozen=True)
class ImageSpec:
    """One ``[[image]]`` entry of images.toml."""

    ref: str
    os: str
    kits: tuple[str, ...] = ()
    user: str = ""
    workdir: str = ""
    env: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    files: tuple[tuple[str, str], ...] = ()  # path -> content, written last
    links: tuple[tuple[str, str], ...] = ()  # symlink path -> target

    @classmethod
    def from_toml(cls, raw: dict) -> ImageSpec:
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{raw.get('ref')}: unknown keys {sorted(unknown)}")
        if raw["os"] not in OS_RELEASE:
            raise ValueError(f"{raw['ref']}: unknown os {raw['os']!r}")
        for kit in raw.get("kits", ()):
            if kit not in KITS:
                raise ValueError(f"{raw['ref']}: unknown kit {kit!r}")
        seq = {k: tuple(v) for k, v in raw.items() if isinstance(v, list)}
        tables = {k: tuple(sorted(v.items())) for k, v in raw.items() if isinstance(v, dict)}
        return cls(**{**raw, **seq, **tables})


def load_specs(path: Path = IMAGES_TOML) -> list[ImageSpec]:
    with path.open("rb") as fh:
        return [ImageSpec.from_toml(raw) for raw in tomllib.load(fh)["image"]]


class RootFS:
    """An in-memory file tree written out as a deterministic tar (later entries win)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, bytes | str, int, int]] = {}

    def _parents(self, path: str) -> None:
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            self.entries.setdefault("/".join(parts[:i]), ("dir", b"", 0o755, 0))

    def dir(self, path: str, mode: int = 0o755, uid: int = 0) -> None:
        self._parents(path)
        self.entries[path.strip("/")] = ("dir", b"", mode, uid)

    def file(self, path: str, data: str | bytes, mode: int = 0o644, uid: int = 0) -> None:
        self._parents(path)
        self.entries[path.strip("/")] = ("file", _bytes(data), mode, uid)

    def link(self, path: str, target: str) -> None:
        self._parents(path)
        self.entries[path.strip("/")] = ("link", target, 0o777, 0)

    def tar(self) -> bytes:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
            for name in sorted(self.entries):
                if not name:
                    continue
                kind, data, mode, uid = self.entries[name]
                info = tarfile.TarInfo(name)
                info.mode, info.mtime, info.uid, info.gid = mode, MTIME, uid, uid
                if kind == "dir":
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                elif kind == "link":
                    info.type, info.linkname = tarfile.SYMTYPE, str(data)
                    tar.addfile(info)
                else:
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
        return buf.getvalue()


def _bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data


def busybox_path() -> Path:
    found = shutil.which("busybox")
    if not found:
        raise SystemExit("busybox is not installed (apt-get install busybox-static)")
    return Path(found)


def _applets(busybox: Path) -> list[str]:
    out = subprocess.run([busybox, "--list-full"], capture_output=True, text=True, check=True)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def _users(spec: ImageSpec) -> list[tuple[str, int, str]]:
    users = [("root", 0, "/root")]
    if spec.os == "ubuntu":
        users.append(("ubuntu", 1000, "/home/ubuntu"))
    if spec.os == "distroless":
        users += [("nobody", 65534, "/nonexistent"), ("nonroot", 65532, "/home/nonroot")]
    # A distroless image has the kit's runtime only, not the accounts of the official images.
    for kit in () if spec.os == "distroless" else spec.kits:
        for user in KITS[kit].users:
            # A kit's account takes over the OS account with its uid, as the gradle images rename
            # Ubuntu's `ubuntu` (1000) to `gradle`.
            users = [u for u in users if u[1] != user[1] or u[1] == 0] + [user]
    return users


def image_env(spec: ImageSpec) -> list[str]:
    """The ENV lines of the image: the kits' variables, PATH with the kits' folders, extras."""
    env: dict[str, str] = {}
    path: list[str] = []
    if spec.os != "distroless":
        for kit in spec.kits:
            env.update(KITS[kit].env)
            path += [p for p in KITS[kit].path if p not in path]
    env["PATH"] = ":".join([*path, DEFAULT_PATH])
    for item in spec.env:
        key, _, value = item.partition("=")
        env[key] = value
    return [f"{k}={v}" for k, v in env.items()]


def image_volumes(spec: ImageSpec) -> list[str]:
    """The VOLUMEs the real image declares (its kits'), in kit order."""
    if spec.os == "distroless":
        return []
    return [v for kit in spec.kits for v in KITS[kit].volumes]


def build_rootfs(spec: ImageSpec, busybox: Path, cost: str) -> RootFS:
    fs = RootFS()
    users = _users(spec)
    fs.dir("/tmp", 0o1777)
    fs.dir("/root", 0o700)
    for _name, uid, home in users[1:]:
        if home.startswith("/home/"):
            fs.dir(home, 0o755, uid)
    # Distroless accounts have no login shell (the image has no shell at all).
    login = "/sbin/nologin" if spec.os == "distroless" else "/bin/sh"
    fs.file("/etc/passwd", "".join(f"{n}:x:{u}:{u}:{n}:{h}:{login}\n" for n, u, h in users))
    fs.file("/etc/group", "".join(f"{n}:x:{u}:\n" for n, u, _h in users))
    fs.file("/etc/os-release", OS_RELEASE[spec.os])
    fs.file("/etc/standin/image", spec.ref + "\n")
    fs.file("/etc/standin/cost", cost + "\n")
    if spec.os == "distroless":
        fs.file(CA_BUNDLE, "# stand-in CA bundle\n")
        for kit in spec.kits:
            for path, data in DISTROLESS_KIT_FILES.get(kit, {}).items():
                fs.file(path, data, 0o755)
            for path, target in DISTROLESS_LINKS.get(kit, {}).items():
                fs.link(path, target)
        _distroless_runnables(fs, spec, busybox)
        for path, data in spec.files:
            fs.file(path, data)
        return fs

    fs.file("/bin/busybox", busybox.read_bytes(), 0o755)
    for applet in _applets(busybox):
        if applet != "bin/busybox":
            fs.link("/" + applet, "/bin/busybox")
    # Only the stand-ins this image's OS and kits have, as the real image would.
    links = dict(OS_TOOLS[spec.os])
    impls = {"lib.sh"}
    for kit in spec.kits:
        k = KITS[kit]
        links.update(k.tools)
        impls.update(k.impls)
        for d in k.dirs:
            fs.dir(d)
        for d, mode, uid in k.owned_dirs:
            fs.dir(d, mode, uid)
        for path, target in k.links.items():
            fs.link(path, target)
        for path, data in k.files.items():
            fs.file(path, data)
        for name in k.console:
            # Named so that nothing in the image looks like the tool until pip installs it.
            fs.file(f"{STANDIN_LIB}/console/standin-{name}", (TOOLS / name).read_bytes(), 0o755)
    impls.update(links.values())
    for name in sorted(impls):
        fs.file(f"{STANDIN_LIB}/{name}", (TOOLS / name).read_bytes(), 0o755)
    for path, impl in links.items():
        fs.link(path, f"{STANDIN_LIB}/{impl}")

    if spec.os != "busybox":
        fs.file(CA_BUNDLE, "# stand-in CA bundle\n")
    if spec.os in ("debian", "ubuntu"):
        fs.file("/bin/bash", '#!/bin/sh\nexec /bin/busybox sh "$@"\n', 0o755)
        fs.file("/etc/debian_version", "12.6\n" if spec.os == "debian" else "trixie/sid\n")
        fs.file("/etc/apt/apt.conf.d/docker-clean", DOCKER_CLEAN)
        for d in ("/var/lib/apt/lists/partial", "/var/cache/apt/archives/partial"):
            fs.dir(d)
        fs.dir("/var/lib/dpkg/info")
        fs.file("/var/lib/dpkg/status", "Package: base-files\nStatus: install ok installed\n\n")
    elif spec.os == "alpine":
        fs.file("/etc/alpine-release", "3.20.1\n")
        fs.file("/etc/apk/world", "alpine-baselayout\nbusybox\n")
        fs.file("/etc/apk/repositories", "https://dl-cdn.alpinelinux.org/alpine/v3.20/main\n")
        fs.file("/lib/apk/db/installed", "P:busybox\nV:1.36.1-r29\n\n")
        fs.dir("/var/cache/apk")
    for path, data in spec.files:
        fs.file(path, data)
    for path, target in spec.links:
        fs.link(path, target)
    return fs


def _distroless_runnables(fs: RootFS, spec: ImageSpec, busybox: Path) -> None:
    """The kits' DISTROLESS_RUNNABLE tools, run by a busybox that only they know about."""
    runnable = {p: t for kit in spec.kits for p, t in DISTROLESS_RUNNABLE.get(kit, {}).items()}
    if not runnable:
        return
    fs.file(DISTROLESS_SH, busybox.read_bytes(), 0o755)
    fs.file(f"{STANDIN_LIB}/lib.sh", (TOOLS / "lib.sh").read_bytes(), 0o644)
    for path, impl in runnable.items():
        body = (TOOLS / impl).read_text().split("\n", 1)[1]
        fs.file(path, f"#!{DISTROLESS_SH} sh\n{body}", 0o755)


def import_changes(spec: ImageSpec, fingerprint: str) -> list[str]:
    changes = [f"ENV {item}" for item in image_env(spec)]
    changes.append(f"LABEL {FINGERPRINT_LABEL}={fingerprint}")
    if spec.user:
        changes.append(f"USER {spec.user}")
    if spec.workdir:
        changes.append(f"WORKDIR {spec.workdir}")
    for volume in image_volumes(spec):
        changes.append(f"VOLUME {json.dumps([volume])}")
    if spec.entrypoint is not None:
        changes.append(f"ENTRYPOINT {json.dumps(list(spec.entrypoint))}")
    if spec.cmd is not None:
        changes.append(f"CMD {json.dumps(list(spec.cmd))}")
    return changes


def fingerprint(spec: ImageSpec, busybox: Path, cost: str) -> str:
    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes())
    for script in sorted(TOOLS.iterdir()):
        h.update(script.name.encode() + b"\0" + script.read_bytes())
    h.update(repr(spec).encode())
    h.update(hashlib.sha256(busybox.read_bytes()).digest())
    h.update(cost.encode())
    return h.hexdigest()[:16]


def current_fingerprint(docker: str, ref: str) -> str | None:
    """The fingerprint of the stand-in tagged ``ref``; None when absent or when ``ref`` now names
    an image built on top of a stand-in (it inherits the label but has more than one layer)."""
    fmt = (
        "{{ index .Config.Labels " + json.dumps(FINGERPRINT_LABEL) + " }} {{ len .RootFS.Layers }}"
    )
    out = subprocess.run(
        [docker, "image", "inspect", "-f", fmt, ref], capture_output=True, text=True
    )
    label, _, layers = out.stdout.strip().rpartition(" ")
    return label if out.returncode == 0 and layers == "1" else None


def _image_id(docker: str, ref: str) -> str | None:
    out = subprocess.run(
        [docker, "image", "inspect", "-f", "{{.Id}}", ref], capture_output=True, text=True
    )
    return out.stdout.strip() if out.returncode == 0 else None


def ensure_images(docker: str, specs: Iterable[ImageSpec], *, force: bool = False) -> int:
    """Build and tag every image whose fingerprint differs; print one line per image."""
    busybox = busybox_path()
    cost = os.environ.get("STANDIN_COST", "0")
    built = 0
    for spec in specs:
        fp = fingerprint(spec, busybox, cost)
        if not force and current_fingerprint(docker, spec.ref) == fp:
            print(f"  up to date  {spec.ref}")
            continue
        previous = _image_id(docker, spec.ref)
        data = build_rootfs(spec, busybox, cost).tar()
        cmd = [docker, "import"]
        for change in import_changes(spec, fp):
            cmd += ["--change", change]
        cmd += ["-", spec.ref]
        subprocess.run(cmd, input=data, check=True, capture_output=True)
        if previous:  # the replaced image, unless something still uses it (then rmi refuses)
            subprocess.run([docker, "rmi", previous], capture_output=True)
        print(f"  built       {spec.ref} ({len(data) // 1024} KiB, fingerprint {fp})")
        built += 1
    return built


def remove_images(docker: str, specs: Iterable[ImageSpec]) -> None:
    """Untag the stand-ins this script made (only refs that carry our fingerprint label)."""
    for spec in specs:
        if current_fingerprint(docker, spec.ref):
            subprocess.run([docker, "rmi", "-f", spec.ref], capture_output=True)
            print(f"  removed     {spec.ref}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docker", default=os.environ.get("DFOPT_DOCKER", "/usr/bin/docker"))
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument("--remove", action="store_true", help="remove the stand-in images")
    parser.add_argument("--list", action="store_true", help="print the image references")
    args = parser.parse_args(argv)
    specs = load_specs()
    if args.list:
        print("\n".join(s.ref for s in specs))
    elif args.remove:
        remove_images(args.docker, specs)
    else:
        built = ensure_images(args.docker, specs, force=args.force)
        print(f"stand-in images: {built} built, {len(specs) - built} already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
