FROM node:20-slim
WORKDIR /app
COPY --chown=node:node package.json package-lock.json ./
USER node
RUN npm ci \
    --omit=dev
COPY --chown=node:node . .
CMD ["node", "src/index.js"]
