# escape=`
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm `
    npm ci `
    --omit=dev
COPY . .
CMD ["node", "src/index.js"]
