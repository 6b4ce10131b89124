import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { type Pool, type PoolClient, withTenant } from "@earshot/db";
import { currentRequestId } from "@earshot/observability/request-id";
import { IngestError } from "./errors.ts";
import {
  type ItemMetadata,
  type MetadataSidecar,
  metadataFor,
  normaliseName,
  parseMetadataSidecar,
} from "./metadata.ts";
import { INGEST_JOB_OPTIONS, type IngestJobData, type IngestQueues } from "./queue.ts";
import type { Storage } from "./storage.ts";
import { type ArchiveLimits, openArchive } from "./zip.ts";

export interface IngestContext {
  pool: Pool;
  tenantId: string;
  storage: Storage;
  queues: Pick<IngestQueues, "ingest" | "reindex">;
  /** Per-file limit in bytes (default 512 MiB). */
  maxFileBytes?: number;
  archiveLimits?: Partial<ArchiveLimits>;
}

export type ItemStatus = "queued" | "processing" | "done" | "duplicate" | "failed";

export interface AddedItem {
  itemId: string;
  filename: string;
  status: ItemStatus;
  errorCode?: string;
  errorMessage?: string;
}

export type UploadSource = Buffer | Readable | { path: string };

const DEFAULT_MAX_FILE_BYTES = 512 * 1024 ** 2;
const MAX_SIDECAR_BYTES = 16 * 1024 ** 2;
const SIDECAR_NAMES = new Set(["metadata.csv", "metadata.json"]);

export async function createUploadBatch(
  pool: Pool,
  tenantId: string,
  opts: { source?: string; createdBy?: string } = {},
): Promise<{ id: string }> {
  return withTenant(pool, tenantId, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      "INSERT INTO upload_batches (tenant_id, source, created_by) VALUES ($1, $2, $3) RETURNING id",
      [tenantId, opts.source ?? "", opts.createdBy ?? null],
    );
    return { id: rows[0]!.id };
  });
}

/**
 * Stores one file and queues its ingest job. Problems visible now (0 bytes, over the size limit, missing file)
 * become a failed item with its code; the caller's batch goes on.
 */
export async function addUploadFile(
  ctx: IngestContext,
  batchId: string,
  file: { filename: string; source: UploadSource; metadata?: ItemMetadata },
): Promise<AddedItem> {
  const filename = normaliseName(file.filename);
  let stored: Awaited<ReturnType<Storage["put"]>>;
  try {
    stored = await ctx.storage.put(file.source, { maxBytes: ctx.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES });
  } catch (err) {
    if (err instanceof IngestError) return recordRejectedFile(ctx, batchId, filename, err);
    throw err;
  }
  if (stored.size === 0) {
    return recordRejectedFile(ctx, batchId, filename, new IngestError("EMPTY_FILE", "file is empty (0 bytes)"));
  }
  const itemId = await withTenant(ctx.pool, ctx.tenantId, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO upload_items (tenant_id, batch_id, filename, size_bytes, sha256, storage_key, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [ctx.tenantId, batchId, filename, stored.size, stored.sha256, stored.key, file.metadata ?? {}],
    );
    return rows[0]!.id;
  });
  await enqueueItem(ctx, { tenantId: ctx.tenantId, batchId, itemId });
  return { itemId, filename, status: "queued" };
}

/** A file that will not be ingested, recorded on the batch with its reason so nothing goes missing silently. */
export async function recordRejectedFile(
  ctx: IngestContext,
  batchId: string,
  filename: string,
  error: IngestError,
  sizeBytes = 0,
): Promise<AddedItem> {
  const itemId = await withTenant(ctx.pool, ctx.tenantId, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO upload_items (tenant_id, batch_id, filename, size_bytes, status, error_code, error_message)
       VALUES ($1, $2, $3, $4, 'failed', $5, $6) RETURNING id`,
      [ctx.tenantId, batchId, filename, sizeBytes, error.code, error.message],
    );
    return rows[0]!.id;
  });
  return { itemId, filename, status: "failed", errorCode: error.code, errorMessage: error.message };
}

/**
 * Every file of a zip becomes an item: readable ones are stored and queued, rejected ones (unsafe name, zip bomb,
 * empty, too large) are recorded as failed. The sidecar is metadataFile, else a metadata.csv/json at the zip's
 * root. A sidecar that cannot be parsed is recorded as a failed item of its own (BAD_METADATA) and the files are
 * ingested without metadata. A zip that cannot be opened at all throws IngestError BAD_ARCHIVE.
 */
export async function addUploadArchive(
  ctx: IngestContext,
  batchId: string,
  zipPath: string,
  metadataFile?: string,
  onItem?: (item: AddedItem) => void,
): Promise<AddedItem[]> {
  const archive = await openArchive(zipPath, { maxFileBytes: ctx.maxFileBytes, ...ctx.archiveLimits });
  const items: AddedItem[] = [];
  const add = (item: AddedItem) => {
    items.push(item);
    onItem?.(item);
  };
  try {
    let sidecar: MetadataSidecar | undefined;
    const inner = metadataFile ? undefined : archive.entries.find((e) => SIDECAR_NAMES.has(e.name) && !e.error);
    if (metadataFile) {
      sidecar = await loadSidecar(ctx, batchId, metadataFile, () => readFile(metadataFile, "utf8"), add);
    } else if (inner && !inner.error) {
      sidecar = await loadSidecar(ctx, batchId, inner.name, async () => streamToString(await inner.open()), add);
    }
    for (const entry of archive.entries) {
      if (entry === inner) continue;
      if (entry.error) {
        add(await recordRejectedFile(ctx, batchId, entry.name, entry.error, entry.size));
        continue;
      }
      let stream: Readable;
      try {
        stream = await entry.open();
      } catch (err) {
        add(await recordRejectedFile(ctx, batchId, entry.name, badEntry(err), entry.size));
        continue;
      }
      try {
        add(
          await addUploadFile(ctx, batchId, {
            filename: entry.name,
            source: stream,
            metadata: metadataFor(sidecar, entry.name),
          }),
        );
      } catch (err) {
        // A damaged entry (bad CRC, size mismatch) fails while streaming; the other entries still count.
        if (isZipReadError(err)) add(await recordRejectedFile(ctx, batchId, entry.name, badEntry(err), entry.size));
        else throw err;
      }
    }
  } finally {
    archive.close();
  }
  return items;
}

/**
 * Every regular file under dir (recursively, in name order) becomes an item; dot-files and symbolic links are
 * skipped (a link could point outside the folder). Sidecar rules as for addUploadArchive.
 */
export async function addUploadFolder(
  ctx: IngestContext,
  batchId: string,
  dir: string,
  metadataFile?: string,
  onItem?: (item: AddedItem) => void,
): Promise<AddedItem[]> {
  const files = await listFolder(dir);
  const items: AddedItem[] = [];
  const add = (item: AddedItem) => {
    items.push(item);
    onItem?.(item);
  };
  const sidecarPath = metadataFile
    ? path.resolve(metadataFile)
    : files.map((f) => path.join(dir, f)).find((f) => SIDECAR_NAMES.has(path.relative(dir, f)));
  let sidecar: MetadataSidecar | undefined;
  if (sidecarPath) {
    const label = metadataFile ? path.basename(sidecarPath) : path.relative(dir, sidecarPath);
    sidecar = await loadSidecar(ctx, batchId, label, () => readFile(sidecarPath, "utf8"), add);
  }
  for (const rel of files) {
    const abs = path.join(dir, rel);
    if (sidecarPath && path.resolve(abs) === sidecarPath) continue;
    add(
      await addUploadFile(ctx, batchId, { filename: rel, source: { path: abs }, metadata: metadataFor(sidecar, rel) }),
    );
  }
  return items;
}

/** Marks the batch as fully submitted; it becomes done once every item is. */
export async function sealUploadBatch(ctx: Pick<IngestContext, "pool" | "tenantId">, batchId: string) {
  await withTenant(ctx.pool, ctx.tenantId, (c) =>
    c.query("UPDATE upload_batches SET status = 'processing' WHERE id = $1 AND status = 'open'", [batchId]),
  );
  await completeBatchIfFinished(ctx.pool, ctx.tenantId, batchId);
}

/**
 * Sets a sealed batch done when no item is left queued or processing. Run after each item's transaction has
 * committed (not inside it), so two items finishing at once cannot both miss the last one.
 */
export async function completeBatchIfFinished(pool: Pool, tenantId: string, batchId: string): Promise<boolean> {
  const { rowCount } = await withTenant(pool, tenantId, (c) =>
    c.query(
      `UPDATE upload_batches SET status = 'done', finished_at = now()
       WHERE id = $1 AND status = 'processing'
         AND NOT EXISTS (SELECT 1 FROM upload_items WHERE batch_id = $1 AND status IN ('queued', 'processing'))`,
      [batchId],
    ),
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Queues again every item of the batch that has not finished. Jobs are keyed by item id, so items whose job
 * is still known to Redis are not doubled; this recovers items whose enqueue was lost (a crash between the
 * database insert and the enqueue).
 */
export async function requeueBatch(ctx: IngestContext, batchId: string): Promise<number> {
  const { rows } = await withTenant(ctx.pool, ctx.tenantId, (c) =>
    c.query<{ id: string }>("SELECT id FROM upload_items WHERE batch_id = $1 AND status IN ('queued', 'processing')", [
      batchId,
    ]),
  );
  for (const r of rows) await enqueueItem(ctx, { tenantId: ctx.tenantId, batchId, itemId: r.id });
  return rows.length;
}

export interface BatchProgress {
  id: string;
  status: "open" | "processing" | "done" | "failed";
  source: string;
  createdAt: Date;
  finishedAt: Date | null;
  counts: Record<ItemStatus, number> & { total: number };
  items: Array<{
    id: string;
    filename: string;
    status: ItemStatus;
    progress: number;
    attempts: number;
    sizeBytes: number;
    errorCode: string | null;
    errorMessage: string | null;
    assetId: string | null;
  }>;
}

export async function batchProgress(pool: Pool, tenantId: string, batchId: string): Promise<BatchProgress | null> {
  return withTenant(pool, tenantId, async (c: PoolClient) => {
    const batch = await c.query(
      "SELECT id, status, source, created_at, finished_at FROM upload_batches WHERE id = $1",
      [batchId],
    );
    const b = batch.rows[0];
    if (!b) return null;
    const { rows } = await c.query(
      `SELECT id, filename, status, progress, attempts, size_bytes, error_code, error_message, asset_id
       FROM upload_items WHERE batch_id = $1 ORDER BY created_at, filename`,
      [batchId],
    );
    const counts = { queued: 0, processing: 0, done: 0, duplicate: 0, failed: 0, total: rows.length };
    for (const r of rows) counts[r.status as ItemStatus]++;
    return {
      id: b.id,
      status: b.status,
      source: b.source,
      createdAt: b.created_at,
      finishedAt: b.finished_at,
      counts,
      items: rows.map((r) => ({
        id: r.id,
        filename: r.filename,
        status: r.status,
        progress: r.progress,
        attempts: r.attempts,
        sizeBytes: Number(r.size_bytes),
        errorCode: r.error_code,
        errorMessage: r.error_message,
        assetId: r.asset_id,
      })),
    };
  });
}

/** Queues a background re-embedding of the tenant's assets with the embedder's current model. */
export async function enqueueReindex(
  ctx: { queues: Pick<IngestQueues, "reindex"> },
  tenantId: string,
): Promise<string> {
  // One re-index per tenant at a time: the job id dedupes while one is waiting or running.
  const job = await ctx.queues.reindex.add(
    "reindex",
    { tenantId, requestId: currentRequestId() },
    {
      jobId: `reindex-${tenantId}`,
      attempts: 5,
      backoff: { type: "exponential", delay: 2000 },
      // Removed when finished either way, so a later model change (or a retry after a failure) can queue it again.
      removeOnComplete: true,
      removeOnFail: true,
    },
  );
  return job.id ?? `reindex-${tenantId}`;
}

async function enqueueItem(ctx: Pick<IngestContext, "queues">, data: IngestJobData) {
  const job = { ...data, requestId: currentRequestId() };
  await ctx.queues.ingest.add("ingest", job, { ...INGEST_JOB_OPTIONS, jobId: data.itemId });
}

/**
 * Reads and parses a sidecar file for a batch. One that cannot be read or parsed is recorded as a failed item
 * (BAD_METADATA, named after the file) and undefined is returned: the batch's files then ingest without metadata.
 */
export async function loadMetadataFile(
  ctx: IngestContext,
  batchId: string,
  metadataFile: string,
  onItem?: (item: AddedItem) => void,
): Promise<MetadataSidecar | undefined> {
  return loadSidecar(
    ctx,
    batchId,
    path.basename(metadataFile),
    () => readFile(metadataFile, "utf8"),
    (i) => onItem?.(i),
  );
}

async function loadSidecar(
  ctx: IngestContext,
  batchId: string,
  label: string,
  read: () => Promise<string>,
  add: (item: AddedItem) => void,
): Promise<MetadataSidecar | undefined> {
  try {
    const text = await read();
    if (text.length > MAX_SIDECAR_BYTES) throw new IngestError("BAD_METADATA", "metadata file is over 16 MiB");
    const format = label.toLowerCase().endsWith(".json")
      ? "json"
      : label.toLowerCase().endsWith(".csv")
        ? "csv"
        : undefined;
    return parseMetadataSidecar(text, format);
  } catch (err) {
    const error =
      err instanceof IngestError
        ? err
        : new IngestError("BAD_METADATA", `metadata file cannot be read: ${(err as Error).message}`, { cause: err });
    add(await recordRejectedFile(ctx, batchId, label, error));
    return undefined;
  }
}

async function listFolder(dir: string): Promise<string[]> {
  try {
    const st = await lstat(dir);
    if (!st.isDirectory()) throw new IngestError("NOT_FOUND", `${dir} is not a folder`);
  } catch (err) {
    if (err instanceof IngestError) throw err;
    throw new IngestError("NOT_FOUND", `no such folder: ${dir}`, { cause: err });
  }
  const out: string[] = [];
  const walk = async (rel: string) => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  await walk("");
  return out.sort();
}

async function streamToString(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_SIDECAR_BYTES) {
      stream.destroy();
      throw new IngestError("BAD_METADATA", "metadata file is over 16 MiB");
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function isZipReadError(err: unknown): boolean {
  const m = (err as Error).message ?? "";
  return (
    /invalid|crc|too many bytes|too few bytes|unexpected end|zlib|incorrect header|invalid stored block/i.test(m) ||
    (err as NodeJS.ErrnoException).code?.startsWith("Z_") === true
  );
}

function badEntry(err: unknown): IngestError {
  return new IngestError("BAD_ARCHIVE", `cannot read this file from the archive: ${(err as Error).message}`, {
    cause: err,
  });
}
