FROM node:20-slim
WORKDIR /app
COPY --chown=node:node package.json package-lock.json ./
USER node
RUN --mount=type=cache,target=/home/node/.npm,uid=1000,gid=1000 \
    npm ci \
    --omit=dev
COPY --chown=node:node . .
CMD ["node", "src/index.js"]
