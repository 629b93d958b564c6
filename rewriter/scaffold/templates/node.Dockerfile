{{! Node.js: base -> deps (production dependencies) [-> build] -> runtime. }}
# syntax=docker/dockerfile:1
{{header}}

ARG NODE_VERSION={{version}}

# ---- base: the image every build stage starts from
FROM node:${NODE_VERSION}-{{flavor}} AS base
WORKDIR /app
{{#if corepack}}
# corepack runs the {{pm_label}} version pinned by package.json "packageManager".
RUN corepack enable
{{/if}}
{{#if pm_env}}
{{pm_env}}
{{/if}}

# ---- deps: production dependencies only
# Only the manifests are copied, so this step stays cached until a dependency changes. The cache
# mount keeps downloaded packages between builds without putting them in any layer.
{{#if secret_mounts}}
# .npmrc is mounted as a build secret (see Build above): copied, its tokens would stay in a layer.
{{/if}}
FROM base AS deps
{{copy_manifests}}
RUN --mount=type=cache,target={{cache}}{{cache_options}}{{secret_mounts}} \
    {{install_prod}}
{{#if build_script}}

# ---- build: every dependency (dev included) and the sources -> {{out_dir}}/
FROM base AS build
{{copy_manifests}}
RUN --mount=type=cache,target={{cache}}{{cache_options}}{{secret_mounts}} \
    {{install_all}}
COPY . .
RUN {{build_command}}
{{/if}}

# ---- runtime: production node_modules + the app, run as an unprivileged user
FROM {{runtime_image}} AS runtime
ENV NODE_ENV=production \
    PORT={{port}}{{extra_env}}
WORKDIR /app
# The files stay owned by root: the app can read its code but not rewrite it.
{{#if workspaces}}
# Workspaces: every package has its own node_modules (links into the root one), so the deps stage
# is copied whole; it holds only manifests and production dependencies.
COPY --from=deps /app ./
{{else}}
COPY --from=deps /app/node_modules ./node_modules
{{/if}}
COPY . .
{{#if build_script}}
# The build output comes from the build stage; the sources above stay for whatever the app reads
# at run time (views, static files, config).
COPY --from=build /app/{{out_dir}} ./{{out_dir}}
{{/if}}
# {{user_comment}}
USER {{user}}
EXPOSE {{port}}
{{start}}
