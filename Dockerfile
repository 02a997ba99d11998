# One image recipe for every DogBook service; pick the service with a build argument:
#   docker build --build-arg SERVICE=kennels -t dogbook-kennels .
# docker-compose.yml builds kennels, inventory and dogs from this file, and the opt-in load generator.
# The gateway is nginx with the DogBook page (packages/web) built in:
#   docker build --build-arg SERVICE=web --target gateway -t dogbook-gateway .

# Debian (glibc), not Alpine: pnpm 12 is a native binary per platform, and the registry has no
# build of it for musl on x64.
ARG NODE_IMAGE=node:24.9.0-bookworm-slim
# The unprivileged variant of the official image: nginx runs as uid 101, master process included.
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.30.4-alpine

# ---- build: the whole workspace, dev dependencies included, compiled to dist/ ----
FROM ${NODE_IMAGE} AS build
# The same pnpm as package.json's packageManager field, so the lockfile means the same thing here.
RUN npm install --global pnpm@12.21.0
WORKDIR /workspace

# Dependencies are fetched from the lockfile alone: this layer is rebuilt only when the lockfile
# changes, not on every source edit.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch

COPY . .
# --frozen-lockfile: the image gets exactly the versions that were reviewed, or the build fails.
RUN pnpm install --frozen-lockfile --offline

# Everything above is the same for every image, so compose builds those layers once.
# SERVICE names the workspace package @dogbook/<SERVICE>: a service, or `load`, the load generator
# (packages/load), whose compose service starts it with its own command instead of the CMD below.
ARG SERVICE
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=kennels|inventory|dogs|load|web" >&2; exit 1; }
# "<name>..." selects the package and every workspace package it depends on; pnpm builds them in
# dependency order.
RUN pnpm --filter "@dogbook/${SERVICE}..." run --if-present build
# A self-contained copy of the package: its package.json, dist/ and production dependencies only,
# workspace packages (@dogbook/tracing, @dogbook/service-kit) copied in rather than linked.
RUN pnpm --filter "@dogbook/${SERVICE}" deploy --prod /deploy

# ---- gateway: nginx and the DogBook page's static files (SERVICE=web), nothing else ----
# The template comes from outside (compose mounts it, Kubernetes from a ConfigMap); WEB_ROOT in its
# environment names this folder.
FROM ${NGINX_IMAGE} AS gateway
COPY --from=build /deploy/dist /usr/share/dogbook/web

# ---- runtime: Node and the deployed folder, nothing else (the default target) ----
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# Owned by root: the `node` user can read the code but not change it.
COPY --from=build /deploy ./
USER node
EXPOSE 8080
# Exec form, so node itself receives SIGTERM (no shell in between). Tracing is preloaded with
# --require, never imported by the service. Node is not a good PID 1 (zombie reaping, default
# signal handling): run the image with an init, `docker run --init` or compose's `init: true`.
CMD ["node", "--require", "@dogbook/tracing/register", "dist/server.js"]
