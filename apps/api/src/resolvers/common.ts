import type { Principal, Role, Scope } from "@earshot/auth";
import type { PoolClient } from "@earshot/db";
import { ASSET_COLUMNS, type AudioFilter, checkId } from "@earshot/search";
import type { AudioFilter as GqlAudioFilter } from "../generated/graphql.ts";
import type { BatchRow, CollectionRow, TenantRow } from "../parents.ts";

export const upper = <T extends string>(s: T) => s.toUpperCase() as Uppercase<T>;
export const roleOf = (r: string) => r.toLowerCase() as Role;
export const scopeOf = (s: string) => s.toLowerCase() as Scope;

export function toFilter(f: GqlAudioFilter | null | undefined): AudioFilter | null {
  if (!f) return null;
  return { ...f, statuses: f.statuses?.map((s) => s.toLowerCase()) ?? null };
}

export const COLLECTION_COLUMNS = `c.id, c.name, c.description, c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;
export const BATCH_COLUMNS = `b.id, b.status, b.source, b.created_at AS "createdAt", b.finished_at AS "finishedAt"`;
export const ITEM_COLUMNS = `i.id, i.filename, i.size_bytes::float8 AS "sizeBytes", i.status, i.progress,
  i.error_code AS "errorCode", i.error_message AS "errorMessage", i.asset_id AS "assetId",
  i.created_at AS "createdAt", i.updated_at AS "updatedAt"`;
export const TENANT_COLUMNS = `t.id, t.slug, t.name, t.created_at AS "createdAt", t.search_model_version_id AS "searchModelVersionId"`;
export { ASSET_COLUMNS };

export async function currentTenant(c: PoolClient): Promise<TenantRow> {
  const { rows } = await c.query<TenantRow>(
    `SELECT ${TENANT_COLUMNS} FROM tenants t WHERE t.id = earshot_current_tenant()`,
  );
  return rows[0] as TenantRow;
}

export async function findCollection(c: PoolClient, id: string): Promise<CollectionRow | null> {
  const { rows } = await c.query<CollectionRow>(`SELECT ${COLLECTION_COLUMNS} FROM collections c WHERE c.id = $1`, [
    checkId(id),
  ]);
  return rows[0] ?? null;
}

export async function findBatch(c: PoolClient, id: string): Promise<BatchRow | null> {
  const { rows } = await c.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM upload_batches b WHERE b.id = $1`, [
    checkId(id),
  ]);
  return rows[0] ?? null;
}

export function actorLabel(p: Principal): string {
  return p.kind === "user" ? `user:${p.userId}` : `apikey:${p.apiKeyId}`;
}
