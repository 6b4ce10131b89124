import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import {
  addUploadFile,
  batchProgress,
  createIngestQueues,
  createUploadBatch,
  type IngestContext,
  type IngestQueues,
  LocalStorage,
  purgeQueuePrefix,
  sealUploadBatch,
} from "@earshot/ingest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIPS_DIR, createTenant, outcomes, REDIS_URL, startEmbedder, uniquePrefix, waitForBatch } from "./helpers.ts";

const CLIPS = [
  "bird_01.ogg",
  "bird_02.ogg",
  "bird_03.ogg",
  "camel_01.ogg",
  "cicada_02.ogg",
  "cicada_03.ogg",
  "cow_moo_01.ogg",
  "cow_moo_02.ogg",
  "door_creak.ogg",
  "chalk_screech_01.ogg",
  "chalk_screech_02.ogg",
  "elephant_trumpet.ogg",
];

describe("a worker killed mid-batch", () => {
  let db: TestDatabase;
  let pool: Pool;
  let owner: Pool;
  let dir: string;
  let embedder: Awaited<ReturnType<typeof startEmbedder>>;
  let queues: IngestQueues;
  let prefix: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    owner = createPool(db.ownerUrl);
    dir = await mkdtemp(path.join(os.tmpdir(), "earshot-crash-"));
    embedder = await startEmbedder();
    prefix = uniquePrefix();
    queues = createIngestQueues({ redisUrl: REDIS_URL, prefix });
  });
  afterAll(async () => {
    // Wait for the worker to be gone, so it cannot write queue keys after the cleanup below.
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    }
    if (queues) await purgeQueuePrefix(queues.redis, prefix);
    await queues?.close();
    await embedder?.close();
    await pool?.end();
    await owner?.end();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  /** The real worker process, as `pnpm start` runs it, with a short lock so a dead worker's job is re-run soon. */
  function spawnWorker(): ChildProcess {
    const proc = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        STORAGE_DIR: path.join(dir, "storage"),
        EMBEDDER_URL: embedder.url,
        WORKER_CONCURRENCY: "1",
        WORKER_LOCK_DURATION_MS: "2000",
        WORKER_STALLED_INTERVAL_MS: "1000",
        LOG_LEVEL: "warn",
        WORKER_METRICS_PORT: "0",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    return proc;
  }

  it("loses no file: the restarted worker completes the batch", { timeout: 60_000 }, async () => {
    const tenantId = await createTenant(pool, "crashy");
    const ctx: IngestContext = { pool, tenantId, storage: new LocalStorage(path.join(dir, "storage")), queues };
    const batch = await createUploadBatch(pool, tenantId);
    for (const f of CLIPS)
      await addUploadFile(ctx, batch.id, { filename: f, source: { path: path.join(CLIPS_DIR, f) } });
    await sealUploadBatch(ctx, batch.id);

    child = spawnWorker();
    // Kill it hard once it is part-way through.
    for (;;) {
      const p = (await batchProgress(pool, tenantId, batch.id))!;
      if (p.counts.done >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));
    const mid = (await batchProgress(pool, tenantId, batch.id))!;
    expect(mid.status).toBe("processing");
    expect(mid.counts.done).toBeLessThan(CLIPS.length);

    child = spawnWorker();
    const done = await waitForBatch(pool, tenantId, batch.id, 40_000);
    child.kill("SIGTERM");
    expect(Object.values(outcomes(done))).toEqual(CLIPS.map(() => "done"));
    // Nothing written twice: one asset per file, no segment repeated.
    const { rows } = await owner.query(
      `SELECT count(DISTINCT a.id)::int AS assets, count(s.id)::int AS segments,
              count(DISTINCT (s.asset_id, s.start_s))::int AS distinct_segments
       FROM audio_assets a JOIN segments s ON s.asset_id = a.id WHERE a.tenant_id = $1`,
      [tenantId],
    );
    expect(rows[0].assets).toBe(CLIPS.length);
    expect(rows[0].segments).toBe(rows[0].distinct_segments);
  });
});
