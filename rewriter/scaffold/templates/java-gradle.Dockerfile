{{! Java with Gradle: builder on $BUILDPLATFORM (a jar is portable) -> JRE runtime. }}
# syntax=docker/dockerfile:1
{{header}}

ARG JAVA_VERSION={{version}}

# ---- build: a jar runs anywhere, so it is built on the build machine's own platform
FROM --platform=$BUILDPLATFORM {{builder_image}} AS build
# Spelled out so that the cache mount below is sure to hold Gradle's caches.
ENV GRADLE_USER_HOME=/root/.gradle
WORKDIR /src
{{#if warm_up}}
{{copy_manifests}}
# Warm the Gradle cache mount from the build scripts alone. A cache mount is not part of the layer:
# when this step is CACHED on a fresh builder the mount can be empty, so the assemble step below
# stays online (no --offline) and fetches whatever is missing.
RUN --mount=type=cache,target=/root/.gradle \
    {{gradle}} --no-daemon --quiet dependencies > /dev/null
{{/if}}
COPY . .
RUN --mount=type=cache,target=/root/.gradle \
    {{gradle}} --no-daemon assemble \
    && mkdir -p /out \
    && {{copy_jar}}

{{runtime_stage}}
