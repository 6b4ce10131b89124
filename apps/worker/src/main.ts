// The ingest worker process: BullMQ workers for the ingest and re-index queues.
import { loadConfig } from "@earshot/config";
import { createPool, openDatabase } from "@earshot/db";
import { createStorage } from "@earshot/ingest";
import { createLogger } from "@earshot/log";
import { createMetricsRegistry, registerQueueMetrics, startMetricsServer } from "@earshot/observability";
import { reindexStaleTenants } from "./models.ts";
import { startWorkers } from "./worker.ts";

const logger = createLogger("worker");
const config = loadConfig();
const db = await openDatabase(config, "earshot_internal");
const pool = createPool(db.url, config.WORKER_CONCURRENCY + 2);
const storage = createStorage(config);
const registry = createMetricsRegistry("worker");
const workers = startWorkers({
  pool,
  storage,
  embedderUrl: config.EMBEDDER_URL,
  redisUrl: config.REDIS_URL,
  prefix: config.QUEUE_PREFIX,
  concurrency: config.WORKER_CONCURRENCY,
  maxDurationS: config.INGEST_MAX_DURATION_S,
  lockDurationMs: config.WORKER_LOCK_DURATION_MS,
  stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
  logger,
  registry,
});
await workers.ingest.waitUntilReady();
// Queue depth for dashboards and alerts, read from Redis at scrape time.
registerQueueMetrics(registry, [workers.queues.ingest, workers.queues.reindex]);
// After a model upgrade, move every tenant still searching an older model over, in the background.
reindexStaleTenants(pool, workers.deps.models, workers.deps.embedder, workers.queues).then(
  (n) => n > 0 && logger.info({ tenants: n }, "model changed: re-index queued"),
  (err: Error) => logger.warn({ err: err.message }, "could not check tenants for a model change"),
);
// Metrics are not worth stopping ingest for: a taken port is logged, and the worker runs on without them.
const metrics = await startMetricsServer({
  registry,
  port: config.WORKER_METRICS_PORT,
  host: config.WORKER_METRICS_HOST,
  health: () => workers.ingest.isRunning(),
}).catch((err: Error) => {
  logger.error({ err: err.message, port: config.WORKER_METRICS_PORT }, "cannot serve /metrics and /healthz");
  return undefined;
});
logger.info(
  {
    concurrency: config.WORKER_CONCURRENCY,
    prefix: config.QUEUE_PREFIX,
    storage: storage.dir,
    embedder: config.EMBEDDER_URL,
    metrics: metrics && `http://${config.WORKER_METRICS_HOST}:${metrics.port}/metrics`,
  },
  "worker ready",
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "finishing running jobs, then stopping");
  await workers.close();
  await metrics?.close();
  await pool.end();
  await db.stop();
  process.exit(0);
}
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));
