FROM debian:bookworm-slim
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \
    apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
    && curl -fsSL -H "Authorization: Bearer 7f3c9a1e5b2d4c6f" \
       -o /tmp/agent.tgz https://downloads.example.com/agent.tgz \
    && { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt /etc/apt/apt.conf.d/docker-clean; }
USER 1000
CMD ["/bin/sh"]
