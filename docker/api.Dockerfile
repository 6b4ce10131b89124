# syntax=docker/dockerfile:1
# Earshot GraphQL API (apps/api). Build from the repository root:
#   docker build -f docker/api.Dockerfile -t earshot-api .
# The services run from TypeScript source with tsx (no build step), so the image holds the workspace sources
# this app needs plus its production dependencies, installed from the lockfile.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
ARG TSX_VERSION=4.23.15
RUN npm install -g "pnpm@${PNPM_VERSION}" && npm cache clean --force
WORKDIR /opt/earshot/app
COPY . .
# Only this app's production dependency closure; the cache mount keeps the pnpm store between builds.
RUN --mount=type=cache,id=earshot-pnpm,target=/pnpm-store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm-store --filter "@earshot/api..."
# onnxruntime-node ships native binaries for every OS and CPU; keep only this platform's (~240 MB less).
RUN keep="linux/$(node -p process.arch)"; \
    for dir in node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/*/*; do \
      case "$dir" in *"/$keep") ;; *) rm -rf "$dir" ;; esac; \
    done
# tsx sits one directory above the app, where `node --import tsx` finds it (it is a root devDependency).
RUN npm install --prefix /opt/earshot --no-save --no-package-lock "tsx@${TSX_VERSION}" && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# ffmpeg decodes example clips posted for query-by-example (multipart uploads to the API).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    EARSHOT_DATA_DIR=/var/lib/earshot \
    STORAGE_DIR=/var/lib/earshot/storage \
    API_HOST=0.0.0.0 \
    API_PORT=4000 \
    API_METRICS_HOST=0.0.0.0 \
    API_METRICS_PORT=4001
WORKDIR /opt/earshot/app
COPY --from=build /opt/earshot/node_modules /opt/earshot/node_modules
COPY --from=build /opt/earshot/app/node_modules ./node_modules
COPY --from=build /opt/earshot/app/package.json ./package.json
COPY --from=build /opt/earshot/app/packages ./packages
COPY --from=build /opt/earshot/app/apps/api ./apps/api
COPY --from=build /opt/earshot/app/prisma ./prisma
COPY --from=build /opt/earshot/app/docker/healthcheck.mjs ./docker/healthcheck.mjs
# Code stays root-owned and read-only; the service writes only to its data directory (a volume).
RUN mkdir -p /var/lib/earshot/storage && chown -R node:node /var/lib/earshot
USER node
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "docker/healthcheck.mjs", "API_PORT=4000", "/healthz"]
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
