FROM node:20-slim
WORKDIR /app
COPY . .
# the group's output goes to a file in the WORKDIR: DF101 leaves the order alone
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \
    { apt-get update; apt-get install -y --no-install-recommends curl; } > /app/apt.log 2>&1 \
    && { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt /etc/apt/apt.conf.d/docker-clean; }
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \
    { apt-get update; apt-get install -y --no-install-recommends git; } | tee /var/log/apt.log && \
    { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt /etc/apt/apt.conf.d/docker-clean; }
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev
CMD ["node", "server.js"]
