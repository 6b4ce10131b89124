import { execFileSync } from "node:child_process";
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import {
  addUploadArchive,
  addUploadFolder,
  createIngestQueues,
  createUploadBatch,
  type IngestContext,
  type IngestQueues,
  LocalStorage,
  purgeQueuePrefix,
  sealUploadBatch,
} from "@earshot/ingest";
import { createLogger } from "@earshot/log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeZip } from "../../../packages/ingest/test/zips.ts";
import { type RunningWorkers, startWorkers } from "../src/worker.ts";
import {
  CLIPS_DIR,
  createTenant,
  MODEL_DIR,
  outcomes,
  REDIS_URL,
  startEmbedder,
  uniquePrefix,
  waitForBatch,
} from "./helpers.ts";

const REAL = ["balloon_inflate.ogg", "bat_01.ogg", "bat_02.ogg", "bee.ogg", "cat_meow.ogg", "door_knock_01.ogg"];

describe("ingest worker", () => {
  let db: TestDatabase;
  // The worker logs in as its own role (earshot_internal); the tests inspect across tenants as the owner.
  let pool: Pool;
  let owner: Pool;
  let dir: string;
  let embedder: Awaited<ReturnType<typeof startEmbedder>>;
  let queues: IngestQueues;
  let workers: RunningWorkers;
  let ctx: IngestContext;
  let prefix: string;
  const logger = createLogger("worker-test", "silent");

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    owner = createPool(db.ownerUrl);
    dir = await mkdtemp(path.join(os.tmpdir(), "earshot-worker-"));
    embedder = await startEmbedder();
    prefix = uniquePrefix();
    queues = createIngestQueues({ redisUrl: REDIS_URL, prefix });
    const storage = new LocalStorage(path.join(dir, "storage"));
    workers = startWorkers({
      pool,
      storage,
      embedderUrl: embedder.url,
      redisUrl: REDIS_URL,
      prefix,
      concurrency: 2,
      logger,
      requeueIntervalMs: 500,
    });
    ctx = { pool, tenantId: await createTenant(pool, "archive"), storage, queues };
  });
  afterAll(async () => {
    await workers?.close();
    if (queues) await purgeQueuePrefix(queues.redis, prefix);
    await queues?.close();
    await embedder?.close();
    await pool?.end();
    await owner?.end();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("ingests real clips and fails each broken file with its own reason", async () => {
    const folder = path.join(dir, "upload");
    await mkdir(folder);
    for (const f of REAL) await copyFile(path.join(CLIPS_DIR, f), path.join(folder, f));
    await copyFile(path.join(CLIPS_DIR, "bat_01.ogg"), path.join(folder, "bat_01_copy.ogg"));
    await writeFile(path.join(folder, "empty.wav"), "");
    await writeFile(path.join(folder, "notes.txt"), "field notes, not audio\n");
    const ogg = await readFile(path.join(CLIPS_DIR, "bees.ogg"));
    await writeFile(path.join(folder, "truncated.ogg"), ogg.subarray(0, Math.floor(ogg.length / 3)));
    await writeFile(
      path.join(folder, "metadata.csv"),
      'filename,title,description,tags,licence,recorded_by\nbat_02.ogg,Bat flight,"A bat flutters past",bat;wings,CC0,Ann\n',
    );

    const batch = await createUploadBatch(pool, ctx.tenantId, { source: "test" });
    await addUploadFolder(ctx, batch.id, folder);
    await sealUploadBatch(ctx, batch.id);
    const done = await waitForBatch(pool, ctx.tenantId, batch.id);

    const got = outcomes(done);
    // Identical files in one batch: whichever finishes first is ingested, the other is linked to it.
    const copies = [got["bat_01.ogg"], got["bat_01_copy.ogg"]].sort();
    expect(copies).toEqual(["done", "duplicate"]);
    delete got["bat_01.ogg"];
    delete got["bat_01_copy.ogg"];
    expect(got).toEqual({
      "balloon_inflate.ogg": "done",
      "bat_02.ogg": "done",
      "bee.ogg": "done",
      "cat_meow.ogg": "done",
      "door_knock_01.ogg": "done",
      "empty.wav": "EMPTY_FILE",
      "notes.txt": "NOT_AUDIO",
      "truncated.ogg": "CORRUPT",
    });
    expect(done.counts).toMatchObject({ done: 6, duplicate: 1, failed: 3, total: 10 });
    const failedItem = done.items.find((i) => i.filename === "notes.txt");
    expect(failedItem?.attempts).toBe(1); // permanent: not retried
    const [a, b] = done.items.filter((i) => i.filename.startsWith("bat_01"));
    expect(a?.assetId).toBe(b?.assetId);

    // Assets, segments of the registered model version, peaks and sidecar metadata, all in place.
    const { rows: assets } = await owner.query(
      `SELECT a.original_filename, a.title, a.description, a.tags, a.licence, a.metadata, a.status, a.mime, a.codec,
              a.sample_rate > 0 AND a.channels > 0 AND a.duration_s > 0 AS described,
              a.peaks->>'version' AS peaks_version, count(s.id)::int AS segments
       FROM audio_assets a LEFT JOIN segments s ON s.asset_id = a.id
       WHERE a.tenant_id = $1 GROUP BY a.id ORDER BY a.original_filename`,
      [ctx.tenantId],
    );
    expect(assets).toHaveLength(6);
    for (const asset of assets) {
      expect(asset.status).toBe("ready");
      expect(asset.peaks_version).toBe("2");
      expect(asset.segments).toBeGreaterThan(0);
      expect(asset).toMatchObject({ mime: "audio/ogg", codec: "vorbis", described: true });
    }
    expect(assets.find((x) => x.original_filename === "bat_02.ogg")).toMatchObject({
      title: "Bat flight",
      description: "A bat flutters past",
      tags: ["bat", "wings"],
      licence: "CC0",
      metadata: { recorded_by: "Ann" },
    });
    expect(assets.find((x) => x.original_filename === "cat_meow.ogg")?.title).toBe("cat meow");

    const { rows: mv } = await owner.query(
      `SELECT m.name, m.version, m.dim, t.search_model_version_id = m.id AS adopted
       FROM model_versions m CROSS JOIN tenants t WHERE t.id = $1`,
      [ctx.tenantId],
    );
    expect(mv).toEqual([
      { name: embedder.model.name, version: embedder.model.version, dim: embedder.model.dim, adopted: true },
    ]);
    const { rows: dims } = await owner.query("SELECT DISTINCT vector_dims(embedding) AS d FROM segments");
    expect(dims).toEqual([{ d: embedder.model.dim }]);
  });

  it("fails a WAV cut short as TRUNCATED and titles a Latin-1 file name readably (issue #18)", async () => {
    const folder = path.join(dir, "issue18");
    await mkdir(folder);
    const wav = path.join(folder, "whole.wav");
    execFileSync("ffmpeg", ["-v", "error", "-i", path.join(CLIPS_DIR, "bird_01.ogg"), wav]);
    const bytes = await readFile(wav);
    const dataStart = bytes.indexOf("data") + 8;
    await writeFile(path.join(folder, "half.wav"), bytes.subarray(0, dataStart + (bytes.length - dataStart) / 2));
    await rm(wav);
    // "Tür.ogg" in Latin-1 bytes.
    await copyFile(path.join(CLIPS_DIR, "door_knock_02.ogg"), Buffer.from(`${folder}/T\xfcr knock.ogg`, "latin1"));

    const batch = await createUploadBatch(pool, ctx.tenantId);
    await addUploadFolder(ctx, batch.id, folder);
    await sealUploadBatch(ctx, batch.id);
    const done = await waitForBatch(pool, ctx.tenantId, batch.id);
    expect(outcomes(done)).toEqual({ "half.wav": "TRUNCATED", "Tür knock.ogg": "done" });
    const { rows } = await owner.query("SELECT title FROM audio_assets WHERE original_filename = 'Tür knock.ogg'");
    expect(rows).toEqual([{ title: "Tür knock" }]);
  });

  it("queues an item that was saved but never queued (a crash between the two) (issue #18)", async () => {
    const stored = await ctx.storage.put({ path: path.join(CLIPS_DIR, "cow_moo_01.ogg") });
    const batch = await createUploadBatch(pool, ctx.tenantId);
    await owner.query(
      `INSERT INTO upload_items (tenant_id, batch_id, filename, size_bytes, sha256, storage_key)
       VALUES ($1, $2, 'lost.ogg', $3, $4, $5)`,
      [ctx.tenantId, batch.id, stored.size, stored.sha256, stored.key],
    );
    await sealUploadBatch(ctx, batch.id);
    const done = await waitForBatch(pool, ctx.tenantId, batch.id);
    expect(outcomes(done)).toEqual({ "lost.ogg": "done" });
  });

  it("links content already in the archive instead of embedding it again", async () => {
    const before = await owner.query("SELECT count(*)::int AS n FROM segments");
    const folder = path.join(dir, "again");
    await mkdir(folder);
    await copyFile(path.join(CLIPS_DIR, "bee.ogg"), path.join(folder, "bee_renamed.ogg"));
    const batch = await createUploadBatch(pool, ctx.tenantId);
    await addUploadFolder(ctx, batch.id, folder);
    await sealUploadBatch(ctx, batch.id);
    const done = await waitForBatch(pool, ctx.tenantId, batch.id);
    expect(outcomes(done)).toEqual({ "bee_renamed.ogg": "duplicate" });
    const { rows } = await owner.query("SELECT id FROM audio_assets WHERE original_filename = 'bee.ogg'");
    expect(done.items[0]?.assetId).toBe(rows[0].id);
    const after = await owner.query("SELECT count(*)::int AS n FROM segments");
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it("ingests a zip, rejecting unsafe names and zip bombs entry by entry", async () => {
    const zipPath = path.join(dir, "upload.zip");
    await writeFile(
      zipPath,
      await makeZip([
        { name: "field/crow_caw.ogg", data: await readFile(path.join(CLIPS_DIR, "crow_caw.ogg")), compress: false },
        { name: "../../outside.ogg", data: await readFile(path.join(CLIPS_DIR, "boing.ogg")) },
        { name: "bomb.wav", data: Buffer.alloc(16 * 1024 * 1024) },
      ]),
    );
    const batch = await createUploadBatch(pool, ctx.tenantId);
    await addUploadArchive(ctx, batch.id, zipPath);
    await sealUploadBatch(ctx, batch.id);
    const done = await waitForBatch(pool, ctx.tenantId, batch.id);
    expect(outcomes(done)).toEqual({
      "field/crow_caw.ogg": "done",
      "../../outside.ogg": "UNSAFE_PATH",
      "bomb.wav": "ZIP_BOMB",
    });
  });

  it("re-indexes a tenant in the background when the model changes, then switches search to it", async () => {
    const tenant = async () =>
      (await owner.query("SELECT search_model_version_id AS v FROM tenants WHERE id = $1", [ctx.tenantId])).rows[0].v;
    const oldVersion = await tenant();
    const { rows: before } = await owner.query("SELECT count(*)::int AS n FROM segments WHERE model_version_id = $1", [
      oldVersion,
    ]);
    // The same weights under a new version number: a model release, as far as the archive can tell.
    const newDir = path.join(dir, "model-next");
    await cp(MODEL_DIR, newDir, { recursive: true });
    const manifest = JSON.parse(await readFile(path.join(newDir, "manifest.json"), "utf8"));
    manifest.version = `${manifest.version}-next`;
    await writeFile(path.join(newDir, "manifest.json"), JSON.stringify(manifest));
    const next = await startEmbedder(newDir);
    await workers.close();
    workers = startWorkers({
      pool,
      storage: ctx.storage,
      embedderUrl: next.url,
      redisUrl: REDIS_URL,
      prefix,
      concurrency: 2,
      logger,
    });
    try {
      // A file embedded with the new model is what notices the change: the worker queues the re-index itself.
      const batch = await createUploadBatch(pool, ctx.tenantId);
      await addUploadFolder(ctx, batch.id, await folderWith(dir, ["cricket.ogg"]));
      await sealUploadBatch(ctx, batch.id);
      await waitForBatch(pool, ctx.tenantId, batch.id);
      const deadline = Date.now() + 20_000;
      while ((await tenant()) === oldVersion && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const newVersion = await tenant();
      expect(newVersion).not.toBe(oldVersion);
      const { rows } = await owner.query(
        `SELECT (SELECT version FROM model_versions WHERE id = $2) AS version,
                (SELECT count(*)::int FROM audio_assets WHERE tenant_id = $1) AS assets,
                (SELECT count(DISTINCT asset_id)::int FROM segments WHERE model_version_id = $2) AS covered,
                (SELECT count(*)::int FROM segments WHERE model_version_id = $3) AS old_segments`,
        [ctx.tenantId, newVersion, oldVersion],
      );
      // Every asset the tests before this one made (8, plus 2 from the issue #18 cases), all moved over.
      expect(rows[0]).toEqual({ version: manifest.version, assets: 10, covered: 10, old_segments: before[0].n });
    } finally {
      await next.close();
    }
  });
});

describe("ingest worker, embedder down", () => {
  it("retries a transient failure with backoff and succeeds once the embedder is back", async () => {
    const db = await createTestDatabase();
    const pool = createPool(db.url);
    const owner = createPool(db.ownerUrl);
    const dir = await mkdtemp(path.join(os.tmpdir(), "earshot-retry-"));
    const prefix = uniquePrefix();
    const queues = createIngestQueues({ redisUrl: REDIS_URL, prefix });
    const port = await freePort();
    const workers = startWorkers({
      pool,
      storage: new LocalStorage(path.join(dir, "storage")),
      embedderUrl: `http://127.0.0.1:${port}`,
      redisUrl: REDIS_URL,
      prefix,
      concurrency: 1,
      logger: createLogger("worker-test", "silent"),
    });
    let embedder: Awaited<ReturnType<typeof startEmbedder>> | undefined;
    try {
      const tenantId = await createTenant(pool, "retry");
      const ctx: IngestContext = { pool, tenantId, storage: new LocalStorage(path.join(dir, "storage")), queues };
      const batch = await createUploadBatch(pool, tenantId);
      await addUploadFolder(ctx, batch.id, await folderWith(dir, ["crow_caw.ogg"]));
      await sealUploadBatch(ctx, batch.id);
      // First attempt fails: nothing listens on the port.
      for (;;) {
        const { rows } = await owner.query("SELECT attempts, status FROM upload_items WHERE batch_id = $1", [batch.id]);
        if (rows[0].attempts >= 1 && rows[0].status === "queued") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      embedder = await startEmbedder(MODEL_DIR, port);
      const done = await waitForBatch(pool, tenantId, batch.id);
      expect(outcomes(done)).toEqual({ "crow_caw.ogg": "done" });
      expect(done.items[0]?.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await workers.close();
      await purgeQueuePrefix(queues.redis, prefix);
      await queues.close();
      await embedder?.close();
      await pool.end();
      await owner.end();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function folderWith(dir: string, clips: string[]): Promise<string> {
  const folder = await mkdtemp(path.join(dir, "clips-"));
  for (const f of clips) await copyFile(path.join(CLIPS_DIR, f), path.join(folder, f));
  return folder;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}
