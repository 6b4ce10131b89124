# syntax=docker/dockerfile:1
# Earshot web UI (apps/web, Next.js): built once here, served by the same start command as `pnpm start`.
#   docker build -f docker/web.Dockerfile -t earshot-web .
# Stateless: it proxies /graphql and media to the API at WEB_API_ORIGIN (read at request time).
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS base
ARG PNPM_VERSION=10.34.9
RUN npm install -g "pnpm@${PNPM_VERSION}" && npm cache clean --force
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /opt/earshot/app

# The Next.js build needs the web app's dev dependencies (TypeScript, types).
FROM base AS build
COPY . .
RUN --mount=type=cache,id=earshot-pnpm,target=/pnpm-store \
    pnpm install --frozen-lockfile --store-dir /pnpm-store --filter "@earshot/web..."
# The same build `pnpm start` runs; it stamps .next with a hash of the sources, so the start command below finds
# the build current and serves it without rebuilding.
RUN cd apps/web && NODE_ENV=production node --import tsx scripts/serve.ts --build && rm -rf .next/cache

# Production dependencies only, installed apart from the build so no dev dependency reaches the image.
FROM base AS deps
ARG TSX_VERSION=4.23.15
COPY . .
RUN --mount=type=cache,id=earshot-pnpm,target=/pnpm-store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm-store --filter "@earshot/web..."
# tsx sits one directory above the app, where `node --import tsx` finds it (it is a root devDependency).
RUN npm install --prefix /opt/earshot --no-save --no-package-lock "tsx@${TSX_VERSION}" && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=3000
WORKDIR /opt/earshot/app
COPY --from=deps /opt/earshot/node_modules /opt/earshot/node_modules
COPY --from=deps /opt/earshot/app/node_modules ./node_modules
COPY --from=deps /opt/earshot/app/package.json ./package.json
COPY --from=deps /opt/earshot/app/packages/config ./packages/config
COPY --from=deps /opt/earshot/app/apps/web ./apps/web
COPY --from=build /opt/earshot/app/apps/web/.next ./apps/web/.next
COPY --from=deps /opt/earshot/app/docker/healthcheck.mjs ./docker/healthcheck.mjs
# The start script takes a build lock directory in apps/web; only that directory is writable, not the code.
RUN chown node:node apps/web
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "docker/healthcheck.mjs", "WEB_PORT=3000", "/healthz"]
CMD ["node", "--import", "tsx", "apps/web/scripts/serve.ts"]
