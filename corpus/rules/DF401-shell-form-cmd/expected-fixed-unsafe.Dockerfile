FROM node:20-bookworm-slim
WORKDIR /app
COPY --chown=node:node . .
USER node
CMD ["node", "server.js", "--port", "8080"]
