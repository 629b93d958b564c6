{{! Go: cross-compiling builder on $BUILDPLATFORM -> static binary on a minimal runtime. }}
# syntax=docker/dockerfile:1
{{header}}

ARG GO_VERSION={{version}}

# ---- build: runs on the build machine and cross-compiles for the target platform
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
{{copy_manifests}}
# Module downloads go to a cache mount. A cache mount is not part of the layer: when this step is
# CACHED on a fresh builder, the mount can be empty, so the build step below mounts the same cache
# and fetches whatever is missing.
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
{{target_args}}
# CGO_ENABLED=0 gives a static binary; the go-build cache mount makes a rebuild after a source edit
# recompile only what changed.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH{{goarm}} \
    go build -trimpath -ldflags="-s -w" -o /out/{{binary}} {{main_package}}

# ---- runtime: the binary alone, run as an unprivileged user
FROM {{runtime_image}} AS runtime
{{#if user_setup}}
RUN {{user_setup}}
{{/if}}
{{#if copy_certs}}
# TLS roots for outgoing HTTPS calls (the slim Debian image has none).
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
{{/if}}
COPY --from=build /out/{{binary}} /usr/local/bin/{{binary}}
# {{user_comment}}
USER {{user}}
EXPOSE {{port}}
{{start}}
