FROM node:20
ARG GIT_COMMIT
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci
COPY . .
LABEL org.opencontainers.image.revision=$GIT_COMMIT
