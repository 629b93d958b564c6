FROM node:20-slim
USER node
WORKDIR /home/node/app
COPY --chown=node package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --chown=node . .
CMD ["node", "index.js"]
