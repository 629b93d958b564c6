{{! Python: builder (every dependency as a wheel) -> runtime (install wheels with --no-index). }}
# syntax=docker/dockerfile:1
{{header}}

ARG PYTHON_VERSION={{version}}
{{#if has_wheels}}

# ---- builder: every dependency as a wheel, resolved and built once
FROM python:${PYTHON_VERSION}-{{flavor}} AS builder
# A dependency published without a wheel for this platform is compiled here: install its build
# tools in this stage ({{build_tools}}), never in the runtime.
WORKDIR /src
{{#if tool_install}}
# {{pm_label}} only exports the lockfile to a requirements file: it never reaches the runtime.
{{tool_args}}
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install {{tool_install}}
{{/if}}
{{#if copy_manifests}}
# Only the dependency manifests are copied, so this step stays cached until a dependency changes.
# The pip cache mount speeds up a rebuild after such a change; it is never part of a layer.
{{copy_manifests}}
RUN --mount=type=cache,target={{cache}} \
    {{wheel_deps}}
{{/if}}
{{#if build_project}}
# The project itself as one more wheel.
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \
    {{wheel_project}}
{{/if}}

# ---- runtime: install the wheels without an index, run as an unprivileged user
{{else}}

# ---- runtime: no dependency to install (no requirements file, no package metadata), so there is
# no builder stage; the app runs as an unprivileged user
{{/if}}
FROM python:${PYTHON_VERSION}-{{flavor}} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# Python images only have root: create the user the app runs as.
RUN {{user_setup}}
WORKDIR /app
{{#if has_wheels}}
# The wheels are bind-mounted from the builder, so they are installed but never stored in a layer;
# --no-index guarantees that nothing else is downloaded here.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl
{{/if}}
{{#if copy_sources}}
# The files stay owned by root: the app can read its code but not rewrite it.
COPY . .
{{/if}}
# {{user_comment}}
USER {{user}}
EXPOSE {{port}}
{{start}}
