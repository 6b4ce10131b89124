import path from "node:path";
import { isAudioError, MODEL_SAMPLE_RATE } from "@earshot/audio";
import { type Pool, type PoolClient, toVectorLiteral, withTenant } from "@earshot/db";
import { type EmbedderClient, EmbedderError, EmbedderUnavailableError } from "@earshot/embedder-client";
import {
  completeBatchIfFinished,
  enqueueReindex,
  IngestError,
  type IngestJobData,
  type IngestQueues,
  type ItemMetadata,
  type Storage,
} from "@earshot/ingest";
import type { Logger } from "@earshot/log";
import type { Job } from "bullmq";
import { embedFile } from "./embed-file.ts";
import { adoptModelIfUnset, type ModelRegistry } from "./models.ts";

export interface JobDeps {
  pool: Pool;
  storage: Storage;
  embedder: EmbedderClient;
  models: ModelRegistry;
  logger: Logger;
  maxDurationS: number;
  /** For queueing a re-index when a file was embedded with a newer model than the tenant searches. */
  queues?: Pick<IngestQueues, "reindex">;
}

export type IngestOutcome =
  | { status: "done" | "duplicate"; assetId: string }
  | { status: "failed"; code: string }
  | { status: "skipped" };

interface ItemRow {
  filename: string;
  status: string;
  sha256: string;
  storage_key: string;
  size_bytes: string;
  metadata: ItemMetadata;
}

/**
 * One uploaded file: probe, decode, embed through the embedding service, then the asset, its segments and its
 * waveform peaks in one transaction. Permanent problems (not audio, corrupt, too long, rejected by the embedder)
 * fail the item at once; transient ones (embedder down, database busy) are thrown so BullMQ retries with backoff,
 * and fail the item only on the last attempt.
 */
export async function processIngestJob(deps: JobDeps, job: Job<IngestJobData>): Promise<IngestOutcome> {
  const { tenantId, batchId, itemId } = job.data;
  const item = await withTenant(deps.pool, tenantId, async (c) => {
    const { rows } = await c.query<ItemRow>(
      "SELECT filename, status, sha256, storage_key, size_bytes, metadata FROM upload_items WHERE id = $1",
      [itemId],
    );
    const row = rows[0];
    if (!row || ["done", "duplicate", "failed"].includes(row.status)) return undefined;
    await c.query(
      "UPDATE upload_items SET status = 'processing', attempts = attempts + 1, progress = 0.05, updated_at = now() WHERE id = $1",
      [itemId],
    );
    return { ...row, existing: await findAsset(c, row.sha256) };
  });
  // Already finished (a re-delivered job after a crash, or a requeue): nothing to do.
  if (!item) return { status: "skipped" };

  try {
    const outcome = await ingestItem(deps, job, item);
    await afterItem(deps, tenantId, batchId);
    return outcome;
  } catch (err) {
    const permanent = permanentCode(err);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (permanent || lastAttempt) {
      const code = permanent ?? transientCode(err);
      await markFailed(deps.pool, tenantId, itemId, code, (err as Error).message);
      await afterItem(deps, tenantId, batchId);
      deps.logger.warn({ itemId, filename: item.filename, code, err: (err as Error).message }, "file failed");
      if (permanent) return { status: "failed", code };
    } else {
      deps.logger.warn(
        { itemId, attempt: job.attemptsMade + 1, err: (err as Error).message },
        "transient failure; will retry",
      );
      await withTenant(deps.pool, tenantId, (c) =>
        c.query(
          "UPDATE upload_items SET status = 'queued', updated_at = now() WHERE id = $1 AND status = 'processing'",
          [itemId],
        ),
      ).catch(() => {});
    }
    throw err;
  }
}

async function ingestItem(
  deps: JobDeps,
  job: Job<IngestJobData>,
  item: ItemRow & { existing?: string },
): Promise<IngestOutcome> {
  const { tenantId, itemId } = job.data;
  // Content this tenant already has: link to it, embed nothing.
  if (item.existing) return markDuplicate(deps.pool, tenantId, itemId, item.existing);

  const file = await deps.storage.localPath(item.storage_key);
  const embedded = await embedFile(deps.embedder, file, {
    maxDurationS: deps.maxDurationS,
    // Called once per ~640 s chunk of long recordings; short files go straight to 0.9.
    onProgress: (f) => void setProgress(deps.pool, job, 0.1 + 0.8 * f).catch(() => {}),
  });
  if (embedded.segments.length === 0) throw new IngestError("EMBED_REJECTED", "the embedder returned no segments");
  await job.updateProgress(0.9);
  const modelVersionId = await deps.models.versionId(embedded.model, () => deps.embedder.model());

  const { info } = embedded;
  const meta = item.metadata ?? { custom: {} };
  const outcome = await withTenant(deps.pool, tenantId, async (c): Promise<IngestOutcome> => {
    const inserted = await c.query<{ id: string }>(
      `INSERT INTO audio_assets (tenant_id, storage_key, sha256, original_filename, mime, codec, size_bytes,
         duration_s, sample_rate, channels, title, description, tags, category, licence, metadata, peaks, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'ready')
       ON CONFLICT (tenant_id, sha256) DO NOTHING RETURNING id`,
      [
        tenantId,
        item.storage_key,
        item.sha256,
        item.filename,
        mimeOf(info.container ?? "", item.filename),
        info.codec ?? "",
        Number(item.size_bytes),
        embedded.samples / MODEL_SAMPLE_RATE,
        info.sampleRate ?? 0,
        info.channels ?? 0,
        meta.title ?? titleFromFilename(item.filename),
        meta.description ?? "",
        meta.tags ?? [],
        meta.category ?? "",
        meta.licence ?? "",
        meta.custom ?? {},
        JSON.stringify(embedded.peaks),
      ],
    );
    const assetId = inserted.rows[0]?.id;
    // The same content finished in another job meanwhile: link to it instead.
    if (!assetId) return { status: "duplicate", assetId: (await findAsset(c, item.sha256))! };
    await c.query(
      `INSERT INTO segments (tenant_id, asset_id, model_version_id, start_s, end_s, embedding)
       SELECT $1, $2, $3, s, e, v::vector FROM unnest($4::float8[], $5::float8[], $6::text[]) AS t(s, e, v)`,
      [
        tenantId,
        assetId,
        modelVersionId,
        embedded.segments.map((s) => s.startS),
        embedded.segments.map((s) => s.endS),
        embedded.segments.map((s) => toVectorLiteral(s.vector)),
      ],
    );
    await c.query(
      `UPDATE upload_items SET status = 'done', asset_id = $2, progress = 1, error_code = NULL, error_message = NULL,
         updated_at = now() WHERE id = $1`,
      [itemId, assetId],
    );
    return { status: "done", assetId };
  });
  if (outcome.status === "duplicate") return markDuplicate(deps.pool, tenantId, itemId, outcome.assetId);
  const searchVersion = await adoptModelIfUnset(deps.pool, tenantId, modelVersionId);
  // The tenant searches an older model: move it over (one re-index per tenant at a time; a no-op if queued).
  if (searchVersion !== modelVersionId && deps.queues) await enqueueReindex({ queues: deps.queues }, tenantId);
  await job.updateProgress(1);
  return outcome;
}

async function findAsset(c: PoolClient, sha256: string): Promise<string | undefined> {
  const { rows } = await c.query<{ id: string }>("SELECT id FROM audio_assets WHERE sha256 = $1", [sha256]);
  return rows[0]?.id;
}

async function markDuplicate(pool: Pool, tenantId: string, itemId: string, assetId: string): Promise<IngestOutcome> {
  await withTenant(pool, tenantId, (c) =>
    c.query(
      `UPDATE upload_items SET status = 'duplicate', asset_id = $2, progress = 1, error_code = NULL,
         error_message = NULL, updated_at = now() WHERE id = $1`,
      [itemId, assetId],
    ),
  );
  return { status: "duplicate", assetId };
}

/** Fails the item unless it already finished (used by the processor and by the stalled/failed job handler). */
export async function markFailed(pool: Pool, tenantId: string, itemId: string, code: string, message: string) {
  await withTenant(pool, tenantId, (c) =>
    c.query(
      `UPDATE upload_items SET status = 'failed', error_code = $2, error_message = $3, updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'processing')`,
      [itemId, code, message.slice(0, 2000)],
    ),
  );
}

export async function afterItem(deps: Pick<JobDeps, "pool">, tenantId: string, batchId: string) {
  await completeBatchIfFinished(deps.pool, tenantId, batchId);
}

async function setProgress(pool: Pool, job: Job<IngestJobData>, progress: number) {
  await job.updateProgress(progress);
  await withTenant(pool, job.data.tenantId, (c) =>
    c.query("UPDATE upload_items SET progress = $2, updated_at = now() WHERE id = $1", [job.data.itemId, progress]),
  );
}

/** The stable code of an error that retrying cannot fix, else undefined. */
export function permanentCode(err: unknown): string | undefined {
  if (isAudioError(err)) return err.code;
  if (err instanceof IngestError) return err.code;
  if (err instanceof EmbedderError) return "EMBED_REJECTED";
  return undefined;
}

export function transientCode(err: unknown): string {
  if (err instanceof EmbedderUnavailableError) return "EMBEDDER_UNAVAILABLE";
  const code = (err as { code?: string }).code ?? "";
  if (/^(ECONN|57P|53|40001|40P01|55P03|08)/.test(code)) return "DATABASE_UNAVAILABLE";
  return "INTERNAL";
}

function titleFromFilename(filename: string): string {
  return path.posix
    .basename(filename)
    .replace(/\.[^.]+$/, "")
    .replace(/[_-]+/g, " ")
    .trim();
}

const MIME_BY_CONTAINER: Array<[RegExp, string]> = [
  [/^ogg$/, "audio/ogg"],
  [/^wav$/, "audio/wav"],
  [/^mp3$/, "audio/mpeg"],
  [/^flac$/, "audio/flac"],
  [/^aiff$/, "audio/aiff"],
  [/mp4|m4a|mov/, "audio/mp4"],
  [/^matroska|webm/, "audio/webm"],
];

function mimeOf(container: string, filename: string): string {
  for (const [re, mime] of MIME_BY_CONTAINER) if (re.test(container)) return mime;
  const ext = path.extname(filename).slice(1).toLowerCase();
  return ext ? `audio/${ext}` : "application/octet-stream";
}
