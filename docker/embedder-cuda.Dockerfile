# syntax=docker/dockerfile:1
# Earshot embedding service on NVIDIA GPUs: onnxruntime-node with its CUDA execution provider.
#   docker build -f docker/embedder-cuda.Dockerfile -t earshot-embedder-cuda .
#   docker run --gpus all ... (or docker/compose.gpu.yaml)
# onnxruntime-node 1.30 ships its CPU build in the npm package and downloads the CUDA 12 provider libraries
# (from NuGet) in its install script when ONNXRUNTIME_NODE_INSTALL=cuda12; they need CUDA 12 and cuDNN 9,
# which the nvidia/cuda runtime base provides. Without a visible GPU the service falls back to CPU and logs it.
ARG NODE_IMAGE=node:20.20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

FROM ${NODE_IMAGE} AS node

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
ARG TSX_VERSION=4.23.15
RUN npm install -g "pnpm@${PNPM_VERSION}" && npm cache clean --force
WORKDIR /opt/earshot/app
COPY . .
# The install script fetches libonnxruntime_providers_cuda.so (+ shared/tensorrt) beside the CPU binary.
RUN --mount=type=cache,id=earshot-pnpm,target=/pnpm-store \
    ONNXRUNTIME_NODE_INSTALL=cuda12 \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm-store --filter "@earshot/embedder..." --filter "@earshot/cli..."
RUN test -n "$(find node_modules/.pnpm -name libonnxruntime_providers_cuda.so -print -quit)"
# onnxruntime-node ships native binaries for every OS and CPU; keep only this platform's (~240 MB less).
RUN keep="linux/$(node -p process.arch)"; \
    for dir in node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/*/*; do \
      case "$dir" in *"/$keep") ;; *) rm -rf "$dir" ;; esac; \
    done
# tsx sits one directory above the app, where `node --import tsx` finds it (it is a root devDependency).
RUN npm install --prefix /opt/earshot --no-save --no-package-lock "tsx@${TSX_VERSION}" && npm cache clean --force

FROM ${CUDA_IMAGE} AS runtime
# ffmpeg decodes audio files posted as multipart uploads; ca-certificates for any TLS the service does.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin earshot
# Node.js from the official image (its binary only needs glibc, which the CUDA base has).
COPY --from=node /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production \
    EMBEDDER_HOST=0.0.0.0 \
    EMBEDDER_PORT=4100 \
    EMBEDDER_EXECUTION_PROVIDER=cuda \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
WORKDIR /opt/earshot/app
COPY --from=build /opt/earshot/node_modules /opt/earshot/node_modules
COPY --from=build /opt/earshot/app/node_modules ./node_modules
COPY --from=build /opt/earshot/app/package.json ./package.json
COPY --from=build /opt/earshot/app/packages ./packages
COPY --from=build /opt/earshot/app/apps/embedder ./apps/embedder
COPY --from=build /opt/earshot/app/models ./models
COPY --from=build /opt/earshot/app/prisma ./prisma
COPY --from=build /opt/earshot/app/docker/healthcheck.mjs ./docker/healthcheck.mjs
USER earshot
EXPOSE 4100
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["node", "docker/healthcheck.mjs", "EMBEDDER_PORT=4100", "/readyz"]
CMD ["node", "--import", "tsx", "apps/embedder/src/main.ts"]
