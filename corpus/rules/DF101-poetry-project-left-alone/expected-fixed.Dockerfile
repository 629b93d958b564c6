FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install poetry==1.8.3
ENV POETRY_VIRTUALENVS_IN_PROJECT=true
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.cache/pypoetry/artifacts \
    --mount=type=cache,target=/root/.cache/pypoetry/cache \
    poetry install --only main
CMD ["/app/.venv/bin/python", "-c", "import demo_api"]
