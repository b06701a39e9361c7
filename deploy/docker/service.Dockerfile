# syntax=docker/dockerfile:1.20
# One image for every Node service; SERVICE picks the entry point (shop-api, crm-api, mes-api,
# pricing-worker); each app's compiled entry is apps/<name>/dist/main.js. Build from the
# repository root:
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=shop-api -t fabflow/service .
FROM node:24-bookworm-slim AS build
WORKDIR /app
# The npm workspaces' package.json files (COPY --parents keeps apps/<x>/, libs/<x>/) before the
# sources: `npm ci`, which links node_modules/@fabflow/* to them, is cached until one changes.
COPY package.json package-lock.json .npmrc ./
COPY --parents apps/*/package.json libs/*/package.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY tools ./tools
COPY libs ./libs
COPY apps ./apps
# Build every project (each into its own dist/, the dashboard bundle included), then keep only
# what runs: production dependencies, compiled code, migrations.
RUN node tools/build.mjs \
  && npm prune --omit=dev \
  && rm -rf apps/e2e apps/*/src libs/*/src apps/mes-dashboard/dist/tsc \
  && find apps libs -name '*.tsbuildinfo' -delete

FROM node:24-bookworm-slim
ARG SERVICE
ENV NODE_ENV=production SERVICE=${SERVICE} HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/apps ./apps
USER node
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node --enable-source-maps apps/${SERVICE}/dist/main.js"]
