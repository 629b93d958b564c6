FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/app/.npmrc --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev
COPY src ./src
USER node
CMD ["node", "src/index.js"]
