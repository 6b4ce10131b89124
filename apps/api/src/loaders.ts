// Per-request DataLoaders: one query per field per request instead of one per parent (N+1). Each batch runs in its
// own tenant transaction, so row-level security applies to them like to everything else.
import type { UserRow } from "@earshot/auth";
import { type Pool, type PoolClient, withTenant } from "@earshot/db";
import { ASSET_COLUMNS, type AssetRow, isUuid, MODEL_COLUMNS, type ModelVersionRow } from "@earshot/search";
import DataLoader from "dataloader";
import type { CollectionRow } from "./parents.ts";

export interface BatchProgressRow {
  total: number;
  queued: number;
  processing: number;
  done: number;
  duplicate: number;
  failed: number;
  fraction: number;
}

function loader<V>(
  pool: Pool,
  tenantId: string | null,
  load: (c: PoolClient, ids: string[]) => Promise<Map<string, V>>,
  empty: V,
) {
  return new DataLoader<string, V>(async (keys) => {
    const ids = keys.filter(isUuid);
    if (!tenantId || ids.length === 0) return keys.map(() => empty);
    const found = await withTenant(pool, tenantId, (c) => load(c, ids));
    return keys.map((k) => found.get(k) ?? empty);
  });
}

function group<T>(rows: Array<T & { key: string }>): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.key) ?? [];
    list.push(r);
    m.set(r.key, list);
  }
  return m;
}

export function createLoaders(pool: Pool, tenantId: string | null) {
  return {
    asset: loader<AssetRow | null>(
      pool,
      tenantId,
      async (c, ids) => {
        const { rows } = await c.query<AssetRow>(`SELECT ${ASSET_COLUMNS} FROM audio_assets a WHERE a.id = ANY($1)`, [
          ids,
        ]);
        return new Map(rows.map((r) => [r.id, r]));
      },
      null,
    ),
    user: loader<UserRow | null>(
      pool,
      tenantId,
      async (c, ids) => {
        // Only users who are members of this tenant (memberships are under RLS).
        const { rows } = await c.query<UserRow>(
          `SELECT u.id, u.email, u.name FROM users u WHERE u.id = ANY($1)
              AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)`,
          [ids],
        );
        return new Map(rows.map((r) => [r.id, r]));
      },
      null,
    ),
    model: loader<ModelVersionRow | null>(
      pool,
      tenantId,
      async (c, ids) => {
        const { rows } = await c.query<ModelVersionRow>(
          `SELECT ${MODEL_COLUMNS} FROM model_versions mv WHERE mv.id = ANY($1)`,
          [ids],
        );
        return new Map(rows.map((r) => [r.id, r]));
      },
      null,
    ),
    collectionsOfAsset: loader<CollectionRow[]>(
      pool,
      tenantId,
      async (c, ids) => {
        const { rows } = await c.query<CollectionRow & { key: string }>(
          `SELECT ci.asset_id AS key, c.id, c.name, c.description, c.created_at AS "createdAt", c.updated_at AS "updatedAt"
             FROM collection_items ci JOIN collections c ON c.id = ci.collection_id
            WHERE ci.asset_id = ANY($1) ORDER BY c.name, c.id`,
          [ids],
        );
        return group(rows);
      },
      [],
    ),
    segmentCount: loader<number>(
      pool,
      tenantId,
      async (c, ids) => {
        const { rows } = await c.query<{ id: string; n: number }>(
          `SELECT s.asset_id AS id, count(*)::int AS n FROM segments s
             JOIN tenants t ON t.id = s.tenant_id AND s.model_version_id = t.search_model_version_id
            WHERE s.asset_id = ANY($1) GROUP BY s.asset_id`,
          [ids],
        );
        return new Map(rows.map((r) => [r.id, r.n]));
      },
      0,
    ),
    batchProgress: loader<BatchProgressRow>(
      pool,
      tenantId,
      async (c, ids) => {
        const { rows } = await c.query<BatchProgressRow & { id: string }>(
          `SELECT batch_id AS id, count(*)::int AS total,
                  count(*) FILTER (WHERE status = 'queued')::int AS queued,
                  count(*) FILTER (WHERE status = 'processing')::int AS processing,
                  count(*) FILTER (WHERE status = 'done')::int AS done,
                  count(*) FILTER (WHERE status = 'duplicate')::int AS duplicate,
                  count(*) FILTER (WHERE status = 'failed')::int AS failed,
                  coalesce(avg(CASE WHEN status IN ('done', 'duplicate', 'failed') THEN 1 ELSE least(greatest(progress, 0), 1) END), 0)::float8 AS fraction
             FROM upload_items WHERE batch_id = ANY($1) GROUP BY batch_id`,
          [ids],
        );
        return new Map(rows.map((r) => [r.id, r]));
      },
      { total: 0, queued: 0, processing: 0, done: 0, duplicate: 0, failed: 0, fraction: 0 },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
