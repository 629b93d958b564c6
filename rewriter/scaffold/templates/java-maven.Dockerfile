{{! Java with Maven: builder on $BUILDPLATFORM (a jar is portable) -> JRE runtime. }}
# syntax=docker/dockerfile:1
{{header}}

ARG JAVA_VERSION={{version}}

# ---- build: a jar runs anywhere, so it is built on the build machine's own platform
FROM --platform=$BUILDPLATFORM {{builder_image}} AS build
WORKDIR /src
{{#if warm_up}}
{{copy_manifests}}
# Warm the Maven cache mount from the POM alone. A cache mount is not part of the layer: when this
# step is CACHED on a fresh builder the mount can be empty, so the package step below stays online
# (no -o) and fetches whatever is missing.
RUN --mount=type=cache,target=/root/.m2 \
    {{maven}} --batch-mode --no-transfer-progress dependency:go-offline
{{/if}}
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    {{maven}} --batch-mode --no-transfer-progress package -DskipTests \
    && mkdir -p /out \
    && {{copy_jar}}

{{runtime_stage}}
