FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt requirements-base.txt ./
# pip first: the image's pip may be too old for the requirements
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --upgrade pip setuptools
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -r requirements.txt
COPY . .
CMD ["gunicorn", "app.main:app"]
