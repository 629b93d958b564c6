"""Family and toolchain guesses from image references (no registry is ever contacted)."""

from __future__ import annotations

import pytest

from rewriter.analyse.images import (
    guess_family,
    guess_toolchains,
    image_defaults,
    parse_image_ref,
)


@pytest.mark.parametrize(
    ("image", "family"),
    [
        ("node:20-slim", "debian"),
        ("node:20-alpine", "alpine"),
        ("node:20", "debian"),
        ("python:3.12", "debian"),
        ("python:3.12-slim-bookworm", "debian"),
        ("docker.io/library/python:3.12-alpine3.19", "alpine"),
        ("eclipse-temurin:21-jre", "ubuntu"),
        ("eclipse-temurin:21-jre-alpine", "alpine"),
        ("eclipse-temurin:21-ubi9-minimal", "rhel"),
        ("maven:3.9-eclipse-temurin-21", "ubuntu"),
        ("golang:1.22-bookworm", "debian"),
        ("gcr.io/distroless/static-debian12", "distroless"),
        ("gcr.io/distroless/java21-debian12:nonroot", "distroless"),
        ("scratch", "scratch"),
        ("busybox:1.36", "busybox"),
        ("ubuntu:22.04", "ubuntu"),
        ("fedora:40", "rhel"),
        ("registry.access.redhat.com/ubi9/ubi-minimal", "rhel"),
        ("openjdk:17-jdk", "rhel"),
        ("openjdk:17-jdk-slim", "debian"),
        ("openjdk:8", "debian"),
        ("amazoncorretto:21", "rhel"),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "debian"),
        ("mcr.microsoft.com/dotnet/sdk:8.0-jammy", "ubuntu"),
        ("node:${NODE_VERSION}", "unknown"),
        ("node:${NODE_VERSION}-alpine", "alpine"),
        ("mycorp/app:1.0", "unknown"),
        ("${BASE}", "unknown"),
        ("python@sha256:abcd", "debian"),
    ],
)
def test_family(image, family):
    assert guess_family(image) == family


@pytest.mark.parametrize(
    ("image", "tools"),
    [
        ("node:20-slim", {"node"}),
        ("node:20", {"node", "gcc"}),
        ("python:3.12-alpine", {"python"}),
        ("golang:1.22", {"go", "gcc"}),
        ("golang:1.22-alpine", {"go"}),
        ("eclipse-temurin:21-jdk", {"java", "jdk"}),
        ("eclipse-temurin:21-jre", {"java", "jre"}),
        ("maven:3.9-eclipse-temurin-21", {"maven", "java", "jdk"}),
        ("gradle:8-jdk21", {"gradle", "java", "jdk"}),
        ("rust:1.79", {"rust", "gcc"}),
        ("gcr.io/distroless/java21-debian12", {"java", "jre"}),
        ("gcr.io/distroless/nodejs20-debian12", {"node"}),
        ("gcr.io/distroless/static", set()),
        ("alpine:3.20", set()),
    ],
)
def test_toolchains(image, tools):
    assert guess_toolchains(image) == frozenset(tools)


def test_parse_image_ref():
    ref = parse_image_ref("localhost:5000/team/app:1.2@sha256:ff")
    assert (ref.registry, ref.path, ref.name, ref.tag, ref.digest) == (
        "localhost:5000",
        "team/app",
        "app",
        "1.2",
        "sha256:ff",
    )
    hub = parse_image_ref("docker.io/library/node:20")
    assert (hub.registry, hub.path, hub.tag) == (None, "node", "20")


def test_image_defaults():
    assert image_defaults("golang:1.22").env["GOPATH"] == "/go"
    assert image_defaults("maven:3").env["MAVEN_CONFIG"] == "/root/.m2"
    assert image_defaults("whatever:1").env == {"PATH": None}
    assert image_defaults("scratch").env_complete
