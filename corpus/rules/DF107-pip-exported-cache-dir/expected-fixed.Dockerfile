FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN --mount=type=cache,target=/tmp/pip-cache \
 export PIP_CACHE_DIR=/tmp/pip-cache \
 && pip install -r requirements.txt
COPY . .
CMD ["python", "app.py"]
