FROM node:20-bookworm-slim AS build
WORKDIR /app
# the registry token for @acme packages
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_token --mount=type=cache,target=/root/.npm \
    NPM_TOKEN="$(cat /run/secrets/npm_token)" && export NPM_TOKEN && npm ci
COPY . .
RUN --mount=type=secret,id=npm_token NPM_TOKEN="$(cat /run/secrets/npm_token)" && export NPM_TOKEN && npm run build

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
