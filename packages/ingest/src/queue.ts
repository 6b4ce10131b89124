import { type JobsOptions, Queue } from "bullmq";
import { Redis } from "ioredis";

export const INGEST_QUEUE = "ingest";
export const REINDEX_QUEUE = "reindex";

/** One job per uploaded file; the job id is the upload item id, so enqueueing twice is harmless. */
export interface IngestJobData {
  tenantId: string;
  batchId: string;
  itemId: string;
  /** The request that queued it (API upload), so the worker's logs and embedder calls carry the same id. */
  requestId?: string;
}

/** Re-embeds every asset of a tenant with the embedder's current model, then switches search over to it. */
export interface ReindexJobData {
  tenantId: string;
  requestId?: string;
}

/** Transient failures (embedder down, database busy) retry with exponential backoff: 1 s, 2 s, 4 s, 8 s. */
export const INGEST_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface IngestQueues {
  ingest: Queue<IngestJobData>;
  reindex: Queue<ReindexJobData>;
  /** The Redis connection the queues share. */
  redis: Redis;
  close(): Promise<void>;
}

/** BullMQ needs maxRetriesPerRequest: null on connections that block (workers); harmless for queues. */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

export function createIngestQueues(opts: { redisUrl: string; prefix: string }): IngestQueues {
  const redis = redisConnection(opts.redisUrl);
  const ingest = new Queue<IngestJobData>(INGEST_QUEUE, { connection: redis, prefix: opts.prefix });
  const reindex = new Queue<ReindexJobData>(REINDEX_QUEUE, { connection: redis, prefix: opts.prefix });
  return {
    ingest,
    reindex,
    redis,
    async close() {
      await ingest.close();
      await reindex.close();
      redis.disconnect();
    },
  };
}

/** Deletes every Redis key under a queue prefix (tests and benchmarks clean up their private prefixes with it). */
export async function purgeQueuePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}
