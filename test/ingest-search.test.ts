// The admin's path end to end: `earshot tenant create`, `earshot ingest` a folder of real clips (worker + embedder
// running), then `earshot search` finds a clip by describing its sound. The clips carry no metadata that names
// the sound (files are renamed to numbers), so only the audio content can find them.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "@earshot/config";
import { createPool, type Pool, withTenant } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { createIngestQueues, type IngestQueues, LocalStorage, purgeQueuePrefix } from "@earshot/ingest";
import { createLogger } from "@earshot/log";
import { type RunningWorkers, startWorkers } from "@earshot/worker";
import { CLIPS_DIR, MODEL_DIR, REDIS_URL, startEmbedder, uniquePrefix } from "@earshot/worker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Clips of clearly different sounds; the query describes one of them. */
const CLIPS = ["cow_moo_01.ogg", "rain_heavy_01.ogg", "bird_02.ogg", "pistol_fire_01.ogg", "cat_meow.ogg", "wind.ogg"];
const QUERY = { text: "heavy rain falling", expect: "rain_heavy_01.ogg" };

// An untrained bundle (the placeholder before training finishes) ranks at random: nothing to assert then.
const manifest = JSON.parse(await readFile(path.join(MODEL_DIR, "manifest.json"), "utf8"));
const untrained = manifest.training?.run === "untrained";

describe("ingest, then search by a description of the sound", () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;
  let prefix: string;
  let embedder: Awaited<ReturnType<typeof startEmbedder>>;
  let queues: IngestQueues;
  let workers: RunningWorkers;

  async function earshot(...args: string[]) {
    try {
      const { stdout } = await run("node", ["--import", "tsx", "packages/cli/src/main.ts", ...args], {
        cwd: repoRoot,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          REDIS_URL,
          QUEUE_PREFIX: prefix,
          STORAGE_DIR: path.join(dir, "storage"),
          EMBEDDER_URL: embedder.url,
        },
      });
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      throw new Error(`earshot ${args.join(" ")} exited ${e.code}: ${e.stderr}`);
    }
  }

  beforeAll(async () => {
    if (untrained) return;
    db = await createTestDatabase();
    pool = createPool(db.url);
    dir = await mkdtemp(path.join(os.tmpdir(), "earshot-e2e-ingest-"));
    prefix = uniquePrefix();
    embedder = await startEmbedder();
    queues = createIngestQueues({ redisUrl: REDIS_URL, prefix });
    workers = startWorkers({
      pool,
      storage: new LocalStorage(path.join(dir, "storage")),
      embedderUrl: embedder.url,
      redisUrl: REDIS_URL,
      prefix,
      concurrency: 2,
      logger: createLogger("worker-test", "silent"),
    });
    await workers.ingest.waitUntilReady();
  });
  afterAll(async () => {
    await workers?.close();
    if (queues) await purgeQueuePrefix(queues.redis, prefix);
    await queues?.close();
    await embedder?.close();
    await pool?.end();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(untrained)("finds the clip that sounds like the description", { timeout: 60_000 }, async () => {
    await earshot("tenant", "create", "sound-library");
    const folder = path.join(dir, "upload");
    await mkdir(folder);
    const names = new Map<string, string>();
    for (const [i, clip] of CLIPS.entries()) {
      const name = `recording-${String(i + 1).padStart(3, "0")}.ogg`;
      names.set(name, clip);
      await copyFile(path.join(CLIPS_DIR, clip), path.join(folder, name));
    }
    const ingest = await earshot("ingest", folder, "--tenant", "sound-library", "--json");
    expect(JSON.parse(ingest.stdout)).toMatchObject({ ingested: CLIPS.length, failed: 0 });

    const search = await earshot("search", QUERY.text, "--tenant", "sound-library", "--mode", "CONTENT", "--json");
    const hits = JSON.parse(search.stdout).hits as Array<{ id: string; segment: { startS: number } | null }>;
    const tenant = await pool.query("SELECT id FROM tenants WHERE slug = 'sound-library'");
    const { rows } = await withTenant(pool, tenant.rows[0].id, (c) =>
      c.query("SELECT id, original_filename FROM audio_assets"),
    );
    const filenameOf = new Map(rows.map((r) => [r.id, r.original_filename]));
    const ranked = hits.map((h) => names.get(filenameOf.get(h.id)));
    expect(ranked.slice(0, 2)).toContain(QUERY.expect);
    expect(hits[0]?.segment).not.toBeNull();
  });
});
