import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@earshot/config";
import { createPool, openDatabase } from "@earshot/db";
import { EmbedderClient } from "@earshot/embedder-client";
import { createIngestQueues, createStorage } from "@earshot/ingest";
import { createLogger } from "@earshot/log";
import { basicAuth, registerBullBoard, startMetricsServer } from "@earshot/observability";
import { Redis } from "ioredis";
import { buildServer, storageMediaStore } from "./server.ts";

const logger = createLogger("api");
const config = loadConfig();
const db = await openDatabase(config);
const pool = createPool(db.url);
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
const queues = createIngestQueues({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
const storage = createStorage(config);
/** MEDIA_SIGNING_SECRET, else a key generated once and kept in the data directory (so URLs survive restarts). */
async function mediaSecret(): Promise<string> {
  if (config.MEDIA_SIGNING_SECRET) return config.MEDIA_SIGNING_SECRET;
  const file = path.join(config.EARSHOT_DATA_DIR, "media-signing-secret");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    await mkdir(config.EARSHOT_DATA_DIR, { recursive: true });
    const secret = randomBytes(32).toString("hex");
    await writeFile(file, secret, { mode: 0o600, flag: "wx" }).catch(() => {});
    return (await readFile(file, "utf8")).trim();
  }
}
const app = await buildServer({
  pool,
  logger,
  redis,
  embedder: new EmbedderClient(config.EMBEDDER_URL, { timeoutMs: 10_000, retries: 1 }),
  media: storageMediaStore(storage),
  ingest: { storage, queues, maxFileBytes: config.INGEST_MAX_FILE_BYTES },
  mediaSecret: await mediaSecret(),
  mediaTtlS: config.MEDIA_URL_TTL_S,
  rateLimitPointsPerMinute: config.RATE_LIMIT_POINTS_PER_MINUTE,
  trustedProxies: config.TRUSTED_PROXIES,
  introspection:
    config.GRAPHQL_INTROSPECTION === undefined
      ? config.NODE_ENV !== "production"
      : config.GRAPHQL_INTROSPECTION === "true",
  webOrigin: config.WEB_ORIGIN,
  sessionTtlH: config.SESSION_TTL_H,
  invitationTtlH: config.INVITATION_TTL_H,
  efSearch: config.SEARCH_EF_SEARCH,
  redisPrefix: config.QUEUE_PREFIX,
});
// Operators' queue dashboard (every tenant's jobs): only with QUEUE_DASHBOARD_PASSWORD set, behind basic auth.
if (config.QUEUE_DASHBOARD_PASSWORD) {
  await registerBullBoard(app, {
    queues: [queues.ingest, queues.reindex],
    authorize: basicAuth(config.QUEUE_DASHBOARD_USER, config.QUEUE_DASHBOARD_PASSWORD),
  });
}
await app.listen({ host: config.API_HOST, port: config.API_PORT });
// Prometheus scrapes an internal port; API_PORT is the one partners use. A taken port is logged, not fatal.
const metrics = await startMetricsServer({
  registry: app.metricsRegistry,
  port: config.API_METRICS_PORT,
  host: config.API_METRICS_HOST,
}).catch((err: Error) => {
  logger.error({ err: err.message, port: config.API_METRICS_PORT }, "cannot serve /metrics");
  return undefined;
});

async function shutdown() {
  await metrics?.close();
  await app.close();
  await queues.close();
  redis.disconnect();
  await pool.end();
  await db.stop();
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
