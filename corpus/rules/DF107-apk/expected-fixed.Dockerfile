FROM alpine:3.20
RUN --mount=type=cache,target=/var/cache/apk,sharing=locked \
    apk add --cache-dir=/var/cache/apk --update-cache git openssh-client
