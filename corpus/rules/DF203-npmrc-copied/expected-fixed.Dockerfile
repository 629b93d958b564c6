FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev && rm -f .npmrc
COPY src ./src
USER node
CMD ["node", "src/index.js"]
