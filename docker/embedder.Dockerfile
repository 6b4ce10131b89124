# syntax=docker/dockerfile:1
# Earshot embedding service (apps/embedder) on CPU: onnxruntime-node runs the CE encoders of the model bundle.
#   docker build -f docker/embedder.Dockerfile -t earshot-embedder .
# The GPU variant is docker/embedder-cuda.Dockerfile. Stateless: scale by replicas behind one EMBEDDER_URL.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
ARG TSX_VERSION=4.23.15
RUN npm install -g "pnpm@${PNPM_VERSION}" && npm cache clean --force
WORKDIR /opt/earshot/app
COPY . .
# Only this app's production dependency closure (plus the admin CLI, which needs the same model runtime:
# `docker compose exec embedder node --import tsx packages/cli/src/main.ts ...`); the pnpm store is a cache mount.
# onnxruntime-node's CPU build ships in its npm package (.npmrc skips the CUDA download).
RUN --mount=type=cache,id=earshot-pnpm,target=/pnpm-store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm-store --filter "@earshot/embedder..." --filter "@earshot/cli..."
# onnxruntime-node ships native binaries for every OS and CPU; keep only this platform's (~240 MB less).
RUN keep="linux/$(node -p process.arch)"; \
    for dir in node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/*/*; do \
      case "$dir" in *"/$keep") ;; *) rm -rf "$dir" ;; esac; \
    done
# tsx sits one directory above the app, where `node --import tsx` finds it (it is a root devDependency).
RUN npm install --prefix /opt/earshot --no-save --no-package-lock "tsx@${TSX_VERSION}" && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# ffmpeg decodes audio files posted to /v1/embed/audio as multipart uploads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    EMBEDDER_HOST=0.0.0.0 \
    EMBEDDER_PORT=4100 \
    EMBEDDER_EXECUTION_PROVIDER=cpu
WORKDIR /opt/earshot/app
COPY --from=build /opt/earshot/node_modules /opt/earshot/node_modules
COPY --from=build /opt/earshot/app/node_modules ./node_modules
COPY --from=build /opt/earshot/app/package.json ./package.json
COPY --from=build /opt/earshot/app/packages ./packages
COPY --from=build /opt/earshot/app/apps/embedder ./apps/embedder
COPY --from=build /opt/earshot/app/models ./models
COPY --from=build /opt/earshot/app/prisma ./prisma
COPY --from=build /opt/earshot/app/docker/healthcheck.mjs ./docker/healthcheck.mjs
# Read-only code and model; the embedder writes nothing.
USER node
EXPOSE 4100
# /readyz turns 200 once the model bundle is loaded, so dependants start against a ready embedder.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "docker/healthcheck.mjs", "EMBEDDER_PORT=4100", "/readyz"]
CMD ["node", "--import", "tsx", "apps/embedder/src/main.ts"]
