FROM python:3.12
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install pipenv
WORKDIR /app
COPY Pipfile Pipfile.lock ./
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=cache,target=/root/.cache/pipenv \
    pipenv install --deploy --system
COPY . .
CMD ["python", "main.py"]
