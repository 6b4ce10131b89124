import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import { createPool, type Pool, withTenant } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addUploadArchive,
  addUploadFolder,
  batchProgress,
  createUploadBatch,
  type IngestContext,
  sealUploadBatch,
} from "../src/batches.ts";
import { createIngestQueues, type IngestQueues, purgeQueuePrefix } from "../src/queue.ts";
import { LocalStorage } from "../src/storage.ts";
import { makeZip } from "./zips.ts";

const CLIP = path.join(repoRoot, "../shared/data/modsounds-dev/audio/bat_01.ogg");

describe("upload batches", () => {
  let db: TestDatabase;
  let pool: Pool;
  let queues: IngestQueues;
  let dir: string;
  let ctx: IngestContext;
  const prefix = `test-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    queues = createIngestQueues({
      redisUrl: "redis://127.0.0.1:6379",
      prefix,
    });
    dir = await mkdtemp(path.join(os.tmpdir(), "earshot-batches-"));
    const { rows } = await pool.query("INSERT INTO tenants (slug, name) VALUES ('t1', 'T1') RETURNING id");
    ctx = { pool, tenantId: rows[0].id, storage: new LocalStorage(path.join(dir, "storage")), queues };
  });
  afterAll(async () => {
    await purgeQueuePrefix(queues.redis, prefix);
    await queues.close();
    await pool.end();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("turns every file of a folder into an item, queued or failed with its reason", async () => {
    const folder = path.join(dir, "folder");
    await mkdir(path.join(folder, "sub"), { recursive: true });
    await copyFile(CLIP, path.join(folder, "a.ogg"));
    await copyFile(CLIP, path.join(folder, "sub", "b.ogg"));
    await writeFile(path.join(folder, "empty.wav"), "");
    await writeFile(path.join(folder, "notes.txt"), "not audio");
    await writeFile(path.join(folder, ".DS_Store"), "clutter");
    await writeFile(path.join(folder, "metadata.csv"), "filename,title,tags\na.ogg,Bat wings,bat;wings\n");

    const batch = await createUploadBatch(pool, ctx.tenantId, { source: "test" });
    const items = await addUploadFolder(ctx, batch.id, folder);
    expect(items.map((i) => [i.filename, i.status, i.errorCode])).toEqual([
      ["a.ogg", "queued", undefined],
      ["empty.wav", "failed", "EMPTY_FILE"],
      ["notes.txt", "queued", undefined],
      ["sub/b.ogg", "queued", undefined],
    ]);
    const { rows } = await withTenant(pool, ctx.tenantId, (c) =>
      c.query("SELECT filename, metadata FROM upload_items WHERE batch_id = $1", [batch.id]),
    );
    const meta = Object.fromEntries(rows.map((r) => [r.filename, r.metadata]));
    expect(meta["a.ogg"]).toEqual({ title: "Bat wings", tags: ["bat", "wings"], custom: {} });
    expect(meta["sub/b.ogg"]).toEqual({});

    // One job per queued item, keyed by item id.
    const jobs = await queues.ingest.getJobs(["waiting"]);
    expect(jobs.map((j) => j.id).sort()).toEqual(
      items
        .filter((i) => i.status === "queued")
        .map((i) => i.itemId)
        .sort(),
    );

    await sealUploadBatch(ctx, batch.id);
    const progress = await batchProgress(pool, ctx.tenantId, batch.id);
    expect(progress?.status).toBe("processing");
    expect(progress?.counts).toEqual({ queued: 3, processing: 0, done: 0, duplicate: 0, failed: 1, total: 4 });
  });

  it("opens files whose names are not UTF-8 and gives every link or special file an item (issue #18)", async () => {
    const folder = path.join(dir, "names");
    await mkdir(folder);
    // "café.ogg" written in Latin-1, as old archives and Windows zips have it: not valid UTF-8.
    await copyFile(CLIP, Buffer.concat([Buffer.from(`${folder}/caf`), Buffer.from([0xe9]), Buffer.from(".ogg")]));
    await writeFile(path.join(folder, "plain.txt"), "plain");
    await symlink(CLIP, path.join(folder, "outside.ogg"));
    await symlink(path.join(folder, "plain.txt"), path.join(folder, "inside.txt"));
    await symlink(os.tmpdir(), path.join(folder, "a-dir-link"));
    execFileSync("mkfifo", [path.join(folder, "pipe.wav")]);

    const batch = await createUploadBatch(pool, ctx.tenantId);
    const items = await addUploadFolder(ctx, batch.id, folder);
    expect(items.map((i) => [i.filename, i.status, i.errorCode])).toEqual([
      ["a-dir-link", "failed", "NOT_A_FILE"],
      ["café.ogg", "queued", undefined],
      ["inside.txt", "failed", "NOT_A_FILE"],
      ["outside.ogg", "failed", "NOT_A_FILE"],
      ["pipe.wav", "failed", "NOT_A_FILE"],
      ["plain.txt", "queued", undefined],
    ]);
    const cafe = items.find((i) => i.filename === "café.ogg");
    const { rows } = await withTenant(pool, ctx.tenantId, (c) =>
      c.query("SELECT size_bytes FROM upload_items WHERE id = $1", [cafe?.itemId]),
    );
    expect(Number(rows[0].size_bytes)).toBe((await readFile(CLIP)).length);
  });

  it("records a corrupt sidecar as a failed item and still queues the files, without metadata", async () => {
    const zipPath = path.join(dir, "upload.zip");
    await writeFile(
      zipPath,
      await makeZip([
        { name: "clips/a.ogg", data: await readFile(CLIP), compress: false },
        { name: "../../etc/evil.ogg", data: Buffer.from("x") },
        { name: "metadata.csv", data: Buffer.from('filename,title\nclips/a.ogg,"unterminated\n') },
      ]),
    );
    const batch = await createUploadBatch(pool, ctx.tenantId);
    const items = await addUploadArchive(ctx, batch.id, zipPath);
    const byName = Object.fromEntries(items.map((i) => [i.filename, i]));
    expect(byName["metadata.csv"]?.errorCode).toBe("BAD_METADATA");
    expect(byName["metadata.csv"]?.errorMessage).toMatch(/metadata CSV cannot be parsed/);
    expect(byName["../../etc/evil.ogg"]?.errorCode).toBe("UNSAFE_PATH");
    expect(byName["clips/a.ogg"]?.status).toBe("queued");
    expect(items).toHaveLength(3);
  });

  it("fails a damaged zip entry alone and keeps the others", async () => {
    const clip = await readFile(CLIP);
    const zip = await makeZip([
      { name: "damaged.ogg", data: Buffer.concat([clip, clip, clip]) },
      { name: "fine.ogg", data: clip, compress: false },
    ]);
    // Scramble the first entry's deflate stream (it starts after the 30-byte header and its 11-byte name).
    for (let i = 60; i < 400; i++) zip[i] = (zip[i]! * 7 + 13) & 0xff;
    const zipPath = path.join(dir, "damaged.zip");
    await writeFile(zipPath, zip);
    const batch = await createUploadBatch(pool, ctx.tenantId);
    const items = await addUploadArchive(ctx, batch.id, zipPath);
    expect(items.map((i) => [i.filename, i.status, i.errorCode])).toEqual([
      ["damaged.ogg", "failed", "BAD_ARCHIVE"],
      ["fine.ogg", "queued", undefined],
    ]);
  });

  it("hides one tenant's batches from another", async () => {
    const { rows } = await pool.query("INSERT INTO tenants (slug, name) VALUES ('t2', 'T2') RETURNING id");
    const batch = await createUploadBatch(pool, ctx.tenantId);
    expect(await batchProgress(pool, rows[0].id, batch.id)).toBeNull();
  });
});
