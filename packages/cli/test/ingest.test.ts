// `earshot tenant create` and `earshot ingest` as an admin runs them, against a real worker and embedder.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createPool, type Pool, withTenant } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { createIngestQueues, type IngestQueues, LocalStorage, purgeQueuePrefix } from "@earshot/ingest";
import { createLogger } from "@earshot/log";
import { type RunningWorkers, startWorkers } from "@earshot/worker";
import { CLIPS_DIR, REDIS_URL, startEmbedder, uniquePrefix } from "@earshot/worker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("earshot tenant / ingest", () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;
  let prefix: string;
  let embedder: Awaited<ReturnType<typeof startEmbedder>>;
  let queues: IngestQueues;
  let workers: RunningWorkers;
  /** A queue no worker listens on. */
  const idlePrefix = uniquePrefix();

  async function earshot(args: string[], env: Record<string, string> = {}, timeout = 0) {
    try {
      const { stdout, stderr } = await run("node", ["--import", "tsx", "packages/cli/src/main.ts", ...args], {
        timeout,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          REDIS_URL,
          QUEUE_PREFIX: prefix,
          STORAGE_DIR: path.join(dir, "storage"),
          EMBEDDER_URL: embedder.url,
          ...env,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    dir = await mkdtemp(path.join(os.tmpdir(), "earshot-cli-"));
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
    if (queues) await purgeQueuePrefix(queues.redis, idlePrefix);
    await queues?.close();
    await embedder?.close();
    await pool?.end();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates a tenant once, and refuses a bad slug", async () => {
    const ok = await earshot(["tenant", "create", "field-recordings", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ slug: "field-recordings", name: "field-recordings" });
    // Each CLI run starts a Node process (seconds on 2 cores): run the independent ones side by side.
    const [again, bad] = await Promise.all([
      earshot(["tenant", "create", "field-recordings"]),
      earshot(["tenant", "create", "Field_Recordings"]),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists \(TENANT_EXISTS\)/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/BAD_SLUG/);
  });

  it("ingests a folder, prints a summary with reasons and exits 1 when a file failed", async () => {
    const folder = path.join(dir, "upload");
    await mkdir(folder);
    await copyFile(path.join(CLIPS_DIR, "cow_moo_01.ogg"), path.join(folder, "cow.ogg"));
    await copyFile(path.join(CLIPS_DIR, "door_creak.ogg"), path.join(folder, "door.ogg"));
    await writeFile(path.join(folder, "readme.txt"), "not a sound");
    const meta = path.join(dir, "meta.json");
    await writeFile(meta, JSON.stringify({ "cow.ogg": { title: "Cow in a field", tags: ["cow"] } }));

    const r = await earshot(["ingest", folder, "--tenant", "field-recordings", "--metadata", meta]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("ingested 2, duplicates 0, failed 1 (of 3)");
    expect(r.stdout).toMatch(/failed readme\.txt: NOT_AUDIO/);
    // Not a TTY: one plain line per finished file instead of a progress bar.
    expect(r.stderr).toMatch(/^done\s+cow\.ogg$/m);
    const tenantId = (await pool.query("SELECT id FROM tenants WHERE slug = 'field-recordings'")).rows[0].id;
    const { rows } = await withTenant(pool, tenantId, (c) =>
      c.query("SELECT title, tags FROM audio_assets WHERE original_filename = 'cow.ogg'"),
    );
    expect(rows).toEqual([{ title: "Cow in a field", tags: ["cow"] }]);

    const again = await earshot(["ingest", path.join(folder, "door.ogg"), "--tenant", "field-recordings", "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ingested: 0, duplicates: 1, failed: 0, total: 1 });
  });

  it("--no-wait exits once the files are queued, and archive text reaches the terminal escaped (issue #18)", async () => {
    const folder = path.join(dir, "no-wait");
    await mkdir(folder);
    await copyFile(path.join(CLIPS_DIR, "bird_02.ogg"), path.join(folder, "bird.ogg"));
    // It used to wait forever on its open Redis and database connections: give it a minute, then call it hung.
    const r = await earshot(["ingest", folder, "--tenant", "field-recordings", "--no-wait", "--json"], {}, 60_000);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 1 });

    // A title with terminal escapes (set title, clear screen) and a right-to-left override, however it got there.
    const { rows } = await pool.query("SELECT id FROM tenants WHERE slug = 'field-recordings'");
    const evil = "Thunder \x1b]0;owned\x07\x1b[2J \u202eevil";
    await withTenant(pool, rows[0].id, (c) =>
      c.query(
        `INSERT INTO audio_assets (tenant_id, storage_key, sha256, original_filename, mime, title, status)
         VALUES ($1, 'missing', md5(random()::text), 'x.wav', 'audio/wav', $2, 'ready')`,
        [rows[0].id, evil],
      ),
    );
    const [text, json] = await Promise.all([
      earshot(["search", "thunder", "--tenant", "field-recordings", "--mode", "METADATA"]),
      earshot(["search", "thunder", "--tenant", "field-recordings", "--mode", "METADATA", "--json"]),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Thunder \\u{1b}]0;owned\\u{7}\\u{1b}[2J \\u{202e}evil");
    for (const out of [text.stdout, json.stdout]) {
      for (const c of ["\x1b", "\x07", "\u202e"]) expect(out.includes(c)).toBe(false);
    }
    expect(JSON.parse(json.stdout).hits[0].title).toBe(evil);
  }, 120_000);

  it("says clearly when no worker is running, or the tenant does not exist", async () => {
    const [r, unknown] = await Promise.all([
      earshot(["ingest", CLIPS_DIR, "--tenant", "field-recordings"], { QUEUE_PREFIX: idlePrefix }),
      earshot(["ingest", CLIPS_DIR, "--tenant", "nobody"]),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no ingest worker is running: start Earshot with `pnpm start`/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no tenant "nobody"/);
  });
});
