FROM debian:12
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \
    apt-get update && apt-get install -y --no-install-recommends curl && \
    { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt /etc/apt/apt.conf.d/docker-clean; }
