FROM node:20-bookworm-slim AS build
WORKDIR /app
# the registry token for @acme packages
ARG NPM_TOKEN
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
