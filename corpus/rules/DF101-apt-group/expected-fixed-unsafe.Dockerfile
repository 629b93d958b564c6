FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./
# system packages in { } and ( ) groups without redirections: still only a system setup
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \
    set -eux; \
    { apt-get update; apt-get install -y --no-install-recommends curl; } \
    && ( mkdir -p /opt/tools ) \
    && groupadd -r app \
    && { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt /etc/apt/apt.conf.d/docker-clean; }
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
