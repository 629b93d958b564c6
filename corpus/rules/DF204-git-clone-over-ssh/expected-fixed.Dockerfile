FROM alpine:3.20 AS src
RUN --mount=type=cache,target=/var/cache/apk,sharing=locked \
    apk add --cache-dir=/var/cache/apk --update-cache git openssh-client \
    && git clone --depth 1 git@github.com:acme/private-lib.git /src/lib

FROM alpine:3.20
COPY --from=src /src/lib /opt/lib
USER 65534
CMD ["/opt/lib/run"]
