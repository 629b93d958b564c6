FROM python:3.12
ENV POETRY_VIRTUALENVS_IN_PROJECT=true
WORKDIR /app
COPY pyproject.toml poetry.lock ./
RUN --mount=type=cache,target=/root/.cache/pypoetry/artifacts \
    --mount=type=cache,target=/root/.cache/pypoetry/cache \
    poetry install --no-root --only main
