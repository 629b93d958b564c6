FROM python:3.12-slim
COPY requirements.txt requirements-base.txt /srv/
WORKDIR /srv
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -r requirements.txt
COPY . /srv
CMD ["gunicorn", "app.main:app"]
