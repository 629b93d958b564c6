"""The stand-in image definitions: the data file, the rootfs builder and the tool scripts."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from .standins import rootfs

TOOLS = sorted(rootfs.TOOLS.iterdir())


def test_images_toml_loads_with_unique_refs_and_known_kits() -> None:
    specs = rootfs.load_specs()
    refs = [s.ref for s in specs]
    assert len(refs) == len(set(refs))
    assert {"node:20-slim", "golang:1.22", "gcr.io/distroless/static-debian12:nonroot"} <= set(refs)


def test_unknown_keys_and_kits_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        rootfs.ImageSpec.from_toml({"ref": "x", "os": "debian", "colour": "red"})
    with pytest.raises(ValueError, match="unknown kit"):
        rootfs.ImageSpec.from_toml({"ref": "x", "os": "debian", "kits": ["cobol"]})


def test_image_env_puts_kit_folders_first_on_path() -> None:
    spec = rootfs.ImageSpec(ref="golang:1.22", os="debian", kits=("go",))
    env = dict(item.split("=", 1) for item in rootfs.image_env(spec))
    assert env["PATH"].startswith("/go/bin:/usr/local/go/bin:/usr/local/sbin")
    assert env["GOPATH"] == "/go"


@pytest.mark.parametrize("tool", TOOLS, ids=[t.name for t in TOOLS])
def test_stand_in_tool_is_valid_posix_sh(tool: Path) -> None:
    shell = shutil.which("busybox")
    cmd = [shell, "sh", "-n", str(tool)] if shell else ["sh", "-n", str(tool)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(shutil.which("busybox") is None, reason="busybox-static is not installed")
def test_rootfs_is_deterministic_and_marks_each_image() -> None:
    busybox = rootfs.busybox_path()
    node = rootfs.ImageSpec(ref="node:20-slim", os="debian", kits=("node",))
    other = rootfs.ImageSpec(ref="node:20", os="debian", kits=("node",))
    first = rootfs.build_rootfs(node, busybox, "0").tar()
    assert first == rootfs.build_rootfs(node, busybox, "0").tar()
    assert first != rootfs.build_rootfs(other, busybox, "0").tar()
    with tarfile.open(fileobj=BytesIO(first)) as tar:
        names = set(tar.getnames())
        marker = tar.extractfile("etc/standin/image")
        assert marker is not None and marker.read() == b"node:20-slim\n"
        assert tar.getmember("usr/local/bin/npm").linkname == "/usr/local/lib/standin/npm"
        assert tar.getmember("tmp").mode == 0o1777
    assert {"etc/apt/apt.conf.d/docker-clean", "bin/sh", "etc/passwd"} <= names


@pytest.mark.skipif(shutil.which("busybox") is None, reason="busybox-static is not installed")
def test_distroless_images_have_no_shell() -> None:
    spec = rootfs.ImageSpec(ref="gcr.io/distroless/static-debian12:nonroot", os="distroless")
    names = set(rootfs.build_rootfs(spec, rootfs.busybox_path(), "0").entries)
    assert "bin/sh" not in names and "etc/passwd" in names


@pytest.mark.skipif(shutil.which("busybox") is None, reason="busybox-static is not installed")
def test_gradle_image_lays_out_roots_gradle_home_as_the_official_image_does() -> None:
    spec = next(s for s in rootfs.load_specs() if s.ref == "gradle:8-jdk21")
    fs = rootfs.build_rootfs(spec, rootfs.busybox_path(), "0")
    assert fs.entries["root/.gradle"] == ("link", "/home/gradle/.gradle", 0o777, 0)
    kind, _data, mode, uid = fs.entries["home/gradle/.gradle"]
    assert (kind, uid) == ("dir", 1000) and mode & 0o007 == 0o007
    passwd = fs.entries["etc/passwd"][1].decode()
    assert "gradle:x:1000:1000:gradle:/home/gradle:" in passwd and "ubuntu" not in passwd
    changes = rootfs.import_changes(spec, "fp")
    assert 'VOLUME ["/home/gradle/.gradle"]' in changes
    assert not any(c.startswith("ENV GRADLE_USER_HOME=") for c in changes)


def test_image_files_and_links_tables_are_read_and_change_the_fingerprint(tmp_path: Path) -> None:
    toml = tmp_path / "images.toml"
    toml.write_text(
        '[[image]]\nref = "x:1"\nos = "ubuntu"\n'
        '[image.files]\n"/etc/x.conf" = "a=1\\n"\n'
        '[image.links]\n"/opt/j21" = "/opt/java"\n'
    )
    (spec,) = rootfs.load_specs(toml)
    assert spec.files == (("/etc/x.conf", "a=1\n"),)
    assert spec.links == (("/opt/j21", "/opt/java"),)
    if shutil.which("busybox"):
        busybox = rootfs.busybox_path()
        fs = rootfs.build_rootfs(spec, busybox, "0")
        assert fs.entries["etc/x.conf"][1] == b"a=1\n"
        assert fs.entries["opt/j21"][:2] == ("link", "/opt/java")
        plain = rootfs.ImageSpec(ref="x:1", os="ubuntu")
        assert rootfs.fingerprint(spec, busybox, "0") != rootfs.fingerprint(plain, busybox, "0")


@pytest.mark.skipif(shutil.which("busybox") is None, reason="busybox-static is not installed")
def test_distroless_node_runs_node_but_has_no_shell_package_managers_or_node_user() -> None:
    spec = next(s for s in rootfs.load_specs() if s.ref.endswith("/nodejs20-debian12:nonroot"))
    fs = rootfs.build_rootfs(spec, rootfs.busybox_path(), "0")
    names = set(fs.entries)
    assert not {"bin/sh", "bin/busybox", "usr/local/bin/node", "usr/local/bin/npm"} & names
    assert not any(n.endswith(("/npm", "/yarn", "/pnpm", "/corepack")) for n in names)
    kind, data, mode, _uid = fs.entries["nodejs/bin/node"]
    assert kind == "file" and mode == 0o755
    assert data.startswith(f"#!{rootfs.DISTROLESS_SH} sh\n".encode())
    passwd = fs.entries["etc/passwd"][1].decode()
    assert "nonroot:x:65532:65532:" in passwd and "node:" not in passwd.replace("nonroot:", "")
    assert all(line.endswith(":/sbin/nologin") for line in passwd.splitlines())
    assert 'ENTRYPOINT ["/nodejs/bin/node"]' in rootfs.import_changes(spec, "0")
