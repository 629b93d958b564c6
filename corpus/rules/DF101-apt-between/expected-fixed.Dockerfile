FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \
    apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt /etc/apt/apt.conf.d/docker-clean; }
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev
# copy everything
COPY . .
RUN npm run build
USER node
CMD ["node", "dist/app.js"]
