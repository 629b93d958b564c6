FROM node:20-slim
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.npm \
    npm ci
RUN npm run build
CMD ["node", "dist/app.js"]
