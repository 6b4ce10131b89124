import { toVectorLiteral, withTenant } from "@earshot/db";
import { EmbedderUnavailableError } from "@earshot/embedder-client";
import type { ReindexJobData } from "@earshot/ingest";
import { type Job, UnrecoverableError } from "bullmq";
import { embedFile } from "./embed-file.ts";
import type { JobDeps } from "./ingest-job.ts";
import { permanentCode } from "./ingest-job.ts";

const PAGE = 16;

export interface ReindexResult {
  modelVersionId: string;
  reembedded: number;
  switched: boolean;
}

/**
 * Re-embeds every ready asset of a tenant with the embedder's current model, writing the new vectors beside the
 * old ones (segments are keyed by model version). Search keeps using tenants.search_model_version_id, the old
 * version, until every asset has new vectors; then it switches in one update. Resumable: a restarted job skips
 * assets that already have vectors for the new version.
 */
export async function processReindexJob(deps: JobDeps, job: Job<ReindexJobData>): Promise<ReindexResult> {
  const { tenantId } = job.data;
  const info = await deps.embedder.model();
  const model = { name: info.name, version: info.version, dim: info.dim };
  const modelVersionId = await deps.models.versionId(model, async () => info);
  const failed = new Map<string, string>();
  let reembedded = 0;

  const todo = async () =>
    withTenant(deps.pool, tenantId, async (c) => {
      const { rows } = await c.query<{ id: string; storage_key: string; remaining: string }>(
        `SELECT a.id, a.storage_key, count(*) OVER () AS remaining FROM audio_assets a
         WHERE a.status = 'ready' AND NOT (a.id = ANY($2::uuid[]))
           AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.asset_id = a.id AND s.model_version_id = $1)
         ORDER BY a.created_at LIMIT ${PAGE}`,
        [modelVersionId, [...failed.keys()]],
      );
      return rows;
    });

  let total: number | undefined;
  for (let page = await todo(); page.length > 0; page = await todo()) {
    total ??= Number(page[0]!.remaining);
    for (const asset of page) {
      try {
        const file = await deps.storage.localPath(asset.storage_key);
        const embedded = await embedFile(deps.embedder, file, { maxDurationS: deps.maxDurationS });
        if (embedded.model.name !== model.name || embedded.model.version !== model.version) {
          // The embedder changed model mid-way: start over against the new one.
          throw new EmbedderUnavailableError(`embedder switched to ${embedded.model.name}@${embedded.model.version}`);
        }
        await withTenant(deps.pool, tenantId, async (c) => {
          await c.query("DELETE FROM segments WHERE asset_id = $1 AND model_version_id = $2", [
            asset.id,
            modelVersionId,
          ]);
          await c.query(
            `INSERT INTO segments (tenant_id, asset_id, model_version_id, start_s, end_s, embedding)
             SELECT $1, $2, $3, s, e, v::vector FROM unnest($4::float8[], $5::float8[], $6::text[]) AS t(s, e, v)`,
            [
              tenantId,
              asset.id,
              modelVersionId,
              embedded.segments.map((s) => s.startS),
              embedded.segments.map((s) => s.endS),
              embedded.segments.map((s) => toVectorLiteral(s.vector)),
            ],
          );
        });
        reembedded++;
      } catch (err) {
        const code = permanentCode(err);
        if (!code) throw err; // transient: BullMQ retries the job, which resumes where it stopped
        failed.set(asset.id, `${code}: ${(err as Error).message}`);
        deps.logger.warn({ tenantId, assetId: asset.id, code }, "re-index: asset failed");
      }
      await job.updateProgress(Math.min(1, (reembedded + failed.size) / Math.max(total, 1)));
    }
  }
  if (failed.size > 0) {
    // Switching now would hide these assets from content search; leave the old version in place.
    throw new UnrecoverableError(
      `re-index left ${failed.size} asset(s) without new vectors; search stays on the old model: ${[...failed.values()].slice(0, 3).join("; ")}`,
    );
  }
  const { rowCount } = await deps.pool.query(
    "UPDATE tenants SET search_model_version_id = $2 WHERE id = $1 AND search_model_version_id IS DISTINCT FROM $2",
    [tenantId, modelVersionId],
  );
  deps.logger.info({ tenantId, modelVersionId, reembedded }, "re-index complete; search uses the new model");
  return { modelVersionId, reembedded, switched: (rowCount ?? 0) > 0 };
}
