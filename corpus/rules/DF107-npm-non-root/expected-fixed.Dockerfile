FROM node:20-slim
USER node
WORKDIR /home/node/app
COPY --chown=node package.json package-lock.json ./
RUN --mount=type=cache,target=/home/node/.npm,uid=1000,gid=1000 \
    npm ci --omit=dev
COPY --chown=node . .
CMD ["node", "index.js"]
