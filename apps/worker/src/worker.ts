import type { Pool } from "@earshot/db";
import { EmbedderClient } from "@earshot/embedder-client";
import {
  createIngestQueues,
  INGEST_QUEUE,
  type IngestJobData,
  type IngestQueues,
  REINDEX_QUEUE,
  type ReindexJobData,
  redisConnection,
  requeueLostItems,
  type Storage,
} from "@earshot/ingest";
import type { Logger } from "@earshot/log";
import { runWithRequestId, withRequestId } from "@earshot/observability/request-id";
import { type Job, Worker } from "bullmq";
import { Counter, Histogram, type Registry } from "prom-client";
import { afterItem, type JobDeps, markFailed, processIngestJob } from "./ingest-job.ts";
import { ModelRegistry } from "./models.ts";
import { processReindexJob } from "./reindex-job.ts";

export interface WorkerOptions {
  pool: Pool;
  storage: Storage;
  embedderUrl: string;
  redisUrl: string;
  /** BullMQ key prefix (QUEUE_PREFIX); tests use their own. */
  prefix: string;
  concurrency: number;
  logger: Logger;
  maxDurationS?: number;
  /**
   * How long a job's lock lives without renewal. A worker that dies loses its lock after this, and the stalled
   * check (every stalledIntervalMs) puts the job back in the queue for another worker.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Where to count files by outcome and job durations (the process's Prometheus registry). */
  registry?: Registry;
  /**
   * How often to queue again unfinished upload items whose job Redis lost (requeueLostItems); also done once at
   * start. Default 5 minutes; 0 turns it off.
   */
  requeueIntervalMs?: number;
}

export interface RunningWorkers {
  ingest: Worker<IngestJobData>;
  reindex: Worker<ReindexJobData>;
  deps: JobDeps;
  /** The queues' own handles (for enqueueing and queue metrics). */
  queues: IngestQueues;
  /** Graceful: stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

export function startWorkers(opts: WorkerOptions): RunningWorkers {
  const queues = createIngestQueues({ redisUrl: opts.redisUrl, prefix: opts.prefix });
  const deps: JobDeps = {
    queues,
    pool: opts.pool,
    storage: opts.storage,
    embedder: new EmbedderClient(opts.embedderUrl, { timeoutMs: 120_000, retries: 2 }),
    models: new ModelRegistry(opts.pool),
    logger: opts.logger,
    maxDurationS: opts.maxDurationS ?? 3 * 3600,
  };
  const common = {
    prefix: opts.prefix,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    // A job whose worker died twice is probably what kills it (e.g. memory); fail it instead of looping.
    maxStalledCount: 2,
  };
  const ingest = new Worker<IngestJobData>(
    INGEST_QUEUE,
    (job) =>
      // Logs and embedder calls of this job carry the id of the request that queued it.
      runWithRequestId(job.data.requestId, () =>
        processIngestJob({ ...deps, logger: withRequestId(deps.logger) }, job),
      ),
    {
      ...common,
      connection: redisConnection(opts.redisUrl),
      concurrency: opts.concurrency,
    },
  );
  const reindex = new Worker<ReindexJobData>(
    REINDEX_QUEUE,
    (job) =>
      runWithRequestId(job.data.requestId, () =>
        processReindexJob({ ...deps, logger: withRequestId(deps.logger) }, job),
      ),
    {
      ...common,
      connection: redisConnection(opts.redisUrl),
      concurrency: 1,
    },
  );

  // A job that failed for good (attempts used up, or stalled too often) must not leave its item "processing".
  ingest.on("failed", (job: Job<IngestJobData> | undefined, err: Error) => {
    if (!job || (job.attemptsMade < (job.opts.attempts ?? 1) && !/stalled/i.test(err.message))) return;
    const code = /stalled/i.test(err.message) ? "STALLED" : "INTERNAL";
    void markFailed(opts.pool, job.data.tenantId, job.data.itemId, code, err.message)
      .then(() => afterItem(deps, job.data.tenantId, job.data.batchId))
      .catch((e: Error) => opts.logger.error({ err: e.message }, "could not record a failed job"));
  });
  if (opts.registry) countOutcomes(ingest, opts.registry);
  for (const w of [ingest, reindex]) {
    w.on("error", (err) => opts.logger.error({ err: err.message, queue: w.name }, "worker error"));
  }
  reindex.on("completed", (job, result) => opts.logger.info({ tenantId: job.data.tenantId, result }, "re-index done"));
  reindex.on("failed", (job, err) =>
    opts.logger.error({ tenantId: job?.data.tenantId, err: err.message }, "re-index failed"),
  );

  // Items saved but never queued (a crash between the two) would otherwise wait forever: look for them at start and
  // then now and again. Idempotent (job id = item id), so several workers doing it at once is harmless.
  let requeuing: Promise<void> = Promise.resolve();
  const requeue = () => {
    requeuing = requeueLostItems({ pool: opts.pool, queues }).then(
      (n) => {
        if (n > 0) opts.logger.warn({ items: n }, "queued again upload items whose job was lost");
      },
      (err: Error) => opts.logger.warn({ err: err.message }, "could not check for upload items whose job was lost"),
    );
  };
  const every = opts.requeueIntervalMs ?? 5 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  if (every > 0) {
    void ingest.waitUntilReady().then(requeue, () => {});
    timer = setInterval(requeue, every);
    timer.unref();
  }

  return {
    ingest,
    reindex,
    deps,
    queues,
    async close() {
      clearInterval(timer);
      await requeuing;
      await Promise.all([ingest.close(), reindex.close()]);
      await queues.close();
    },
  };
}

function countOutcomes(worker: Worker<IngestJobData>, registry: Registry) {
  const files = new Counter({
    name: "earshot_ingest_files_total",
    help: "Files processed by the ingest worker, by outcome (done, duplicate, failed, retry)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "earshot_ingest_job_duration_seconds",
    help: "Wall time of one ingest job (probe, decode, embed, write)",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const observe = (job: Job<IngestJobData>) => {
    if (job.processedOn && job.finishedOn) seconds.observe((job.finishedOn - job.processedOn) / 1000);
  };
  worker.on("completed", (job, result: { status?: string }) => {
    if (result?.status && result.status !== "skipped") files.inc({ outcome: result.status });
    observe(job);
  });
  worker.on("failed", (job) => {
    if (!job) return;
    files.inc({ outcome: job.attemptsMade < (job.opts.attempts ?? 1) ? "retry" : "failed" });
    observe(job);
  });
}
