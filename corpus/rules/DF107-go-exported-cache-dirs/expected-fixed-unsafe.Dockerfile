FROM golang:1.22
WORKDIR /src
COPY go.mod go.sum ./
RUN if [ -n "$CI" ]; then export GOMODCACHE=/ci/mod; fi; go mod download
COPY . .
RUN --mount=type=cache,target=/cache/build \
    --mount=type=cache,target=/cache/mod \
    export GOMODCACHE=/cache/mod GOCACHE=/cache/build; go build -o /app .
