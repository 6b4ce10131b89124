import type { PoolClient } from "@earshot/db";

export interface ModelVersionRow {
  id: string;
  name: string;
  version: string;
  dim: number;
  manifest: Record<string, unknown>;
  metrics: Record<string, unknown>;
  createdAt: Date;
}

export const MODEL_COLUMNS = `mv.id, mv.name, mv.version, mv.dim, mv.manifest, mv.metrics, mv.created_at AS "createdAt"`;

/** The model version the current tenant searches with (null before one is assigned). */
export async function tenantSearchModel(client: PoolClient): Promise<ModelVersionRow | null> {
  const { rows } = await client.query<ModelVersionRow>(
    `SELECT ${MODEL_COLUMNS} FROM tenants t JOIN model_versions mv ON mv.id = t.search_model_version_id
      WHERE t.id = earshot_current_tenant()`,
  );
  const m = rows[0];
  if (m && !(Number.isInteger(m.dim) && m.dim > 0 && m.dim <= 2000)) throw new Error(`bad model dim ${m.dim}`);
  return m ?? null;
}
