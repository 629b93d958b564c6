FROM debian:bookworm-slim AS base
# the base keeps its package lists: the stages below install from them
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \
    apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && \
    { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt /etc/apt/apt.conf.d/docker-clean; }

FROM base AS tools
RUN ["apt-get", "install", "-y", "--no-install-recommends", "jq"]
USER nobody
CMD ["jq", "--version"]
