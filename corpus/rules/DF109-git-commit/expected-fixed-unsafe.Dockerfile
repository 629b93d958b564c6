FROM node:20
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci
ARG GIT_COMMIT
COPY . .
LABEL org.opencontainers.image.revision=$GIT_COMMIT
