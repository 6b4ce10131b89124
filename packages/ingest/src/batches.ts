import { isUtf8 } from "node:buffer";
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

export type UploadSource = Buffer | Readable | { path: string | Buffer };

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
 * Every regular file under dir (recursively, in name order) becomes an item; dot-files are skipped. Symbolic links
 * are never followed (one could point outside the folder, or loop): each link, like a FIFO, socket or device, becomes
 * a failed item NOT_A_FILE, so the user sees it was not ingested. Names that are not valid UTF-8 (e.g. Latin-1 from
 * an old archive) are opened by their bytes and shown decoded as Latin-1. Sidecar rules as for addUploadArchive.
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
  const sidecarFile = metadataFile ? undefined : files.find((f) => f.kind === "file" && SIDECAR_NAMES.has(f.name));
  let sidecar: MetadataSidecar | undefined;
  if (metadataFile) {
    const file = path.resolve(metadataFile);
    sidecar = await loadSidecar(ctx, batchId, path.basename(file), () => readFile(file, "utf8"), add);
  } else if (sidecarFile) {
    sidecar = await loadSidecar(ctx, batchId, sidecarFile.name, () => readFile(sidecarFile.path, "utf8"), add);
  }
  const skip = metadataFile ? path.resolve(metadataFile) : undefined;
  for (const f of files) {
    if (f === sidecarFile || (skip && typeof f.path === "string" && path.resolve(f.path) === skip)) continue;
    if (f.kind !== "file") {
      add(await recordRejectedFile(ctx, batchId, f.name, notAFile(f.kind)));
      continue;
    }
    add(
      await addUploadFile(ctx, batchId, {
        filename: f.name,
        source: { path: f.path },
        metadata: metadataFor(sidecar, f.name),
      }),
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

/**
 * Queues again every unfinished item (queued or processing), in every tenant, whose job Redis no longer holds: an
 * item saved but never queued (a crash between the insert and the enqueue) or a job lost with Redis data. Items whose
 * job exists are left to BullMQ (waiting, delayed for a retry, or active with a lock). Jobs are keyed by item id, so
 * running this while uploads go on, or on several workers at once, queues nothing twice. Returns how many it queued.
 */
export async function requeueLostItems(ctx: Pick<IngestContext, "pool" | "queues">): Promise<number> {
  const { rows: tenants } = await ctx.pool.query<{ id: string }>("SELECT id FROM tenants");
  let queued = 0;
  for (const t of tenants) {
    const { rows } = await withTenant(ctx.pool, t.id, (c) =>
      c.query<{ id: string; batch_id: string }>(
        "SELECT id, batch_id FROM upload_items WHERE tenant_id = $1 AND status IN ('queued', 'processing')",
        [t.id],
      ),
    );
    for (const r of rows) {
      if (await ctx.queues.ingest.getJob(r.id)) continue;
      await enqueueItem(ctx, { tenantId: t.id, batchId: r.batch_id, itemId: r.id });
      queued++;
    }
  }
  return queued;
}

/**
 * Removes an asset's stored bytes once its row is deleted and committed, unless another asset or an unfinished upload
 * item still uses the same content (storage is content-addressed, so that may be another tenant's). Bytes already
 * gone are fine. Returns whether it deleted them.
 */
export async function releaseStoredBytes(
  ctx: Pick<IngestContext, "pool" | "tenantId" | "storage">,
  storageKey: string,
): Promise<boolean> {
  const inUse = await withTenant(ctx.pool, ctx.tenantId, async (c) => {
    const { rows } = await c.query<{ used: boolean }>("SELECT earshot_storage_key_in_use($1) AS used", [storageKey]);
    return rows[0]?.used !== false;
  });
  if (inUse) return false;
  await ctx.storage.delete(storageKey);
  return true;
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

interface FolderEntry {
  /** Path within the folder, for display and sidecar lookup (normalised, decoded). */
  name: string;
  /** What to open: bytes when the name is not valid UTF-8, which a string path cannot reach. */
  path: string | Buffer;
  kind: "file" | "symlink" | "other";
}

/** A file name's bytes as text: UTF-8 when valid, else Latin-1 (every byte is a character, so nothing is lost). */
function decodeName(bytes: Buffer): string {
  return bytes.toString(isUtf8(bytes) ? "utf8" : "latin1");
}

async function listFolder(dir: string): Promise<FolderEntry[]> {
  try {
    const st = await lstat(dir);
    if (!st.isDirectory()) throw new IngestError("NOT_FOUND", `${dir} is not a folder`);
  } catch (err) {
    if (err instanceof IngestError) throw err;
    throw new IngestError("NOT_FOUND", `no such folder: ${dir}`, { cause: err });
  }
  const out: FolderEntry[] = [];
  const walk = async (abs: Buffer, rel: string) => {
    const entries = await readdir(abs, { withFileTypes: true, encoding: "buffer" });
    for (const e of entries) {
      const bytes = e.name as unknown as Buffer;
      if (bytes[0] === 0x2e) continue; // dot-files
      const name = normaliseName(rel ? `${rel}/${decodeName(bytes)}` : decodeName(bytes));
      const child = Buffer.concat([abs, Buffer.from(path.sep), bytes]);
      const entry = { name, path: isUtf8(child) ? child.toString("utf8") : child };
      if (e.isDirectory()) await walk(child, name);
      else if (e.isFile()) out.push({ ...entry, kind: "file" });
      else out.push({ ...entry, kind: e.isSymbolicLink() ? "symlink" : "other" });
    }
  };
  await walk(Buffer.from(dir), "");
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function notAFile(kind: FolderEntry["kind"]): IngestError {
  return kind === "symlink"
    ? new IngestError("NOT_A_FILE", "a symbolic link: links are not followed (one could point outside the folder)")
    : new IngestError("NOT_A_FILE", "not a regular file (a FIFO, socket or device)");
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
