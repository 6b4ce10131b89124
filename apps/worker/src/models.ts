import type { Pool } from "@earshot/db";
import type { EmbedderClient, ModelInfo } from "@earshot/embedder-client";
import { enqueueReindex, type IngestQueues } from "@earshot/ingest";
import { LRUCache } from "lru-cache";

/**
 * The model_versions row for the embedder's model, created on first sight together with its HNSW index.
 * Runs as the database owner (not earshot_app): model versions are global and index creation needs ownership.
 * Cached per process, keyed by name@version, bounded by bytes like every process-wide cache (an entry is a key and
 * a promise of a uuid; 64 KiB holds hundreds of model versions, and a forgotten one is just looked up again).
 */
export class ModelRegistry {
  private readonly ids = new LRUCache<string, Promise<string>>({
    maxSize: 64 * 1024,
    sizeCalculation: (_id, key) => key.length * 2 + 128,
  });

  constructor(private readonly pool: Pool) {}

  versionId(model: ModelInfo, manifest: () => Promise<unknown>): Promise<string> {
    const key = `${model.name}@${model.version}`;
    let id = this.ids.get(key);
    if (!id) {
      id = this.register(model, manifest);
      this.ids.set(key, id);
      id.catch(() => this.ids.delete(key));
    }
    return id;
  }

  private async register(model: ModelInfo, manifest: () => Promise<unknown>): Promise<string> {
    const summary = await manifest().catch(() => ({}));
    const metrics = (summary as { metrics?: unknown }).metrics ?? {};
    const { rows } = await this.pool.query<{ id: string; dim: number }>(
      `INSERT INTO model_versions (name, version, dim, manifest, metrics) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name, version) DO UPDATE SET name = EXCLUDED.name
       RETURNING id, dim`,
      [model.name, model.version, model.dim, summary, metrics],
    );
    const row = rows[0]!;
    if (row.dim !== model.dim) {
      throw new Error(
        `model ${model.name}@${model.version} is registered with dim ${row.dim}, embedder says ${model.dim}`,
      );
    }
    await this.pool.query("SELECT earshot_ensure_segment_index($1)", [row.id]);
    return row.id;
  }
}

/**
 * Points the tenant's search at this model version if it has none yet (its first ingest), and returns the
 * version its search uses now. When that differs from the model that just embedded a file, the caller queues a
 * re-index so the tenant moves to the new model.
 */
export async function adoptModelIfUnset(pool: Pool, tenantId: string, modelVersionId: string): Promise<string | null> {
  const { rows } = await pool.query<{ v: string | null }>(
    `WITH adopted AS (
       UPDATE tenants SET search_model_version_id = $2 WHERE id = $1 AND search_model_version_id IS NULL
       RETURNING search_model_version_id)
     SELECT coalesce((SELECT search_model_version_id FROM adopted),
                     (SELECT search_model_version_id FROM tenants WHERE id = $1)) AS v`,
    [tenantId, modelVersionId],
  );
  return rows[0]?.v ?? null;
}

/**
 * Queues a re-index for every tenant whose search uses another model than the one the embedder serves now
 * (run when a worker starts: a model upgrade then moves every archive over in the background).
 */
export async function reindexStaleTenants(
  pool: Pool,
  models: ModelRegistry,
  embedder: EmbedderClient,
  queues: Pick<IngestQueues, "reindex">,
): Promise<number> {
  const info = await embedder.model();
  const current = await models.versionId({ name: info.name, version: info.version, dim: info.dim }, async () => info);
  const { rows } = await pool.query<{ id: string }>(
    "SELECT id FROM tenants WHERE search_model_version_id IS NOT NULL AND search_model_version_id <> $1",
    [current],
  );
  for (const t of rows) await enqueueReindex({ queues }, t.id);
  return rows.length;
}
