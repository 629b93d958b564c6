FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt requirements-base.txt ./
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -r requirements.txt
COPY . .
CMD ["gunicorn", "app.main:app"]
