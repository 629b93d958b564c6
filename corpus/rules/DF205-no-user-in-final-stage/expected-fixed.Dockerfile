FROM python:3.12-slim AS deps
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --prefix=/install requests==2.32.3

FROM python:3.12-slim
COPY --from=deps /install /usr/local
COPY app.py /srv/app.py
CMD ["python", "/srv/app.py"]
