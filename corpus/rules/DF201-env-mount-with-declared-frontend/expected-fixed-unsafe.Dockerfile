# syntax=docker/dockerfile:1.10
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc.example ./
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN ["npm", "ci", "--omit=dev"]
COPY . .
USER node
CMD ["node", "server.js"]
