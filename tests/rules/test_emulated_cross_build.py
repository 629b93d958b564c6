"""DF302 emulated-cross-build: builder stages without --platform=$BUILDPLATFORM, and the fix."""

from __future__ import annotations

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from tests.rules.harness import lint

GO = (
    "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
    "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\n"
    'CMD ["/app"]\n'
)


def df302(source: str):
    return [f for f in lint(source) if f.code == "DF302"]


def fixed(source: str) -> str:
    config = Config(select=("DF302",))
    first = fix_source(source, config=config, unsafe=True)
    assert fix_source(first.output, config=config, unsafe=True).output == first.output
    return first.output


def test_go_builder_fires_and_fix_cross_compiles():
    (finding,) = df302(GO)
    assert finding.line == 1 and "compiles Go" in finding.message
    assert fixed(GO) == (
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS TARGETARCH\n"
        "WORKDIR /src\nCOPY . .\n"
        "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH CGO_ENABLED=0 go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\n"
        'CMD ["/app"]\n'
    )


def test_safe_pass_does_not_touch_the_platform():
    assert fix_source(GO, config=Config(select=("DF302",))).output == GO


def test_java_builder_only_gets_the_platform():
    source = (
        "from maven:3.9-eclipse-temurin-21 as build\nRUN mvn -B package\n"
        "from eclipse-temurin:21-jre\nCOPY --from=build /target/app.jar /app.jar\n"
    )
    assert (
        fixed(source).splitlines()[0]
        == "from --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-21 as build"
    )
    assert "arg TARGETOS" not in fixed(source)


def test_existing_goos_and_declared_args_are_kept():
    source = GO.replace("WORKDIR /src\n", "ARG TARGETOS TARGETARCH\nWORKDIR /src\n").replace(
        "CGO_ENABLED=0 go build", "GOOS=$TARGETOS GOARCH=$TARGETARCH go build"
    )
    output = fixed(source)
    assert output.count("ARG TARGETOS TARGETARCH") == 1
    assert output.count("GOOS=") == 1


def test_rust_is_reported_without_fix():
    source = (
        "FROM rust:1.79 AS build\nRUN cargo build --release\nFROM debian:12-slim\n"
        "COPY --from=build /target/release/app /app\n"
    )
    (finding,) = df302(source)
    assert finding.fix is None


def test_cgo_enabled_has_no_fix():
    (finding,) = df302(GO.replace("CGO_ENABLED=0", "CGO_ENABLED=1"))
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        GO.replace("FROM golang", "FROM --platform=$BUILDPLATFORM golang"),
        "FROM golang:1.22\nRUN go build -o /app .\n",
        'FROM golang:1.22 AS tools\nRUN go build -o /x .\nFROM alpine:3.20\nCMD ["x"]\n',
        "FROM node:20 AS web\nRUN npm run build\nFROM nginx:1.27\n"
        "COPY --from=web /dist /usr/share/nginx/html\n",
    ],
)
def test_native_or_unshipped_builders_are_quiet(source):
    assert df302(source) == []


def test_platform_flag_goes_before_the_end_of_flags_marker() -> None:
    source = GO.replace("FROM golang:1.22 AS build", "FROM -- golang:1.22 AS build")
    out = fix_source(source, config=Config(select=("DF302",)), unsafe=True).output
    assert out.startswith("FROM --platform=$BUILDPLATFORM -- golang:1.22 AS build\n")


def test_from_without_an_image_gets_no_platform_fix() -> None:
    """``FROM`` alone: the flag was glued to the keyword (``FROM--platform=...``), which the
    next pass read as another instruction (the fix property test saw a FROM disappear)."""
    source = "FROM\nRUN gradle build\nFROM eclipse-temurin:21\nCOPY --from=0 /a /b\n"
    out = fix_source(source, config=Config(select=("DF302",)), unsafe=True).output
    assert out == source
