FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install uv==0.4.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev
CMD ["/app/.venv/bin/python", "-c", "import demo_uv"]
