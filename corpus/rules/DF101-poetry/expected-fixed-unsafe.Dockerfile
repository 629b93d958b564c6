FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install poetry==1.8.3
ENV POETRY_VIRTUALENVS_IN_PROJECT=true
WORKDIR /app
COPY pyproject.toml poetry.lock ./
# dependencies only; the project itself is importable from src/
RUN --mount=type=cache,target=/root/.cache/pypoetry/artifacts \
    --mount=type=cache,target=/root/.cache/pypoetry/cache \
    poetry install --only main --no-root
# the whole project
COPY . .
ENV PYTHONPATH=/app/src
CMD ["/app/.venv/bin/python", "-c", "import demo_api"]
