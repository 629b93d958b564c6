FROM python:3.12-slim
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /srv
COPY requirements.txt ./
# the tools first; python -m pip imports from /srv, which holds no module of Python's
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m pip install --upgrade pip "setuptools>=70" \
    && [ -d /usr/local/lib ]
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -r requirements.txt
COPY . .
CMD ["gunicorn", "app.main:app"]
