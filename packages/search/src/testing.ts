// Test and benchmark fixtures: rows written directly as the owner role (setup, not application code paths).
import { randomBytes } from "node:crypto";
import { type Pool, toVectorLiteral } from "@earshot/db";

export async function seedTenant(pool: Pool, slug = `t-${randomBytes(4).toString("hex")}`, modelVersionId?: string) {
  const { rows } = await pool.query<{ id: string }>(
    "INSERT INTO tenants (slug, name, search_model_version_id) VALUES ($1, $2, $3) RETURNING id",
    [slug, `Tenant ${slug}`, modelVersionId ?? null],
  );
  return { id: (rows[0] as { id: string }).id, slug };
}

export async function seedModel(pool: Pool, dim: number, version = `test-${randomBytes(3).toString("hex")}`) {
  const manifest = { architecture: "CE", experts: [{ name: "a" }, { name: "b" }] };
  const { rows } = await pool.query<{ id: string }>(
    "INSERT INTO model_versions (name, version, dim, manifest, metrics) VALUES ('earshot-ce', $1, $2, $3, $4) RETURNING id",
    [version, dim, manifest, { "modsounds-dev": { t2a: { R1: 10 } } }],
  );
  const id = (rows[0] as { id: string }).id;
  await pool.query("SELECT earshot_ensure_segment_index($1)", [id]);
  return { id, name: "earshot-ce", version, dim };
}

export interface SeedAsset {
  title?: string;
  description?: string;
  tags?: string[];
  category?: string;
  licence?: string;
  durationS?: number;
  status?: string;
  storageKey?: string;
  mime?: string;
  sizeBytes?: number;
  originalFilename?: string;
  peaks?: unknown;
  createdAt?: Date;
}

export async function seedAsset(pool: Pool, tenantId: string, a: SeedAsset = {}) {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO audio_assets (tenant_id, storage_key, sha256, original_filename, mime, size_bytes, duration_s,
       title, description, tags, category, licence, status, peaks, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, coalesce($15, now())) RETURNING id`,
    [
      tenantId,
      a.storageKey ?? "missing",
      randomBytes(32).toString("hex"),
      a.originalFilename ?? "sound.wav",
      a.mime ?? "audio/wav",
      a.sizeBytes ?? 0,
      a.durationS ?? 10,
      a.title ?? "",
      a.description ?? "",
      a.tags ?? [],
      a.category ?? "",
      a.licence ?? "",
      a.status ?? "ready",
      a.peaks === undefined ? null : JSON.stringify(a.peaks),
      a.createdAt ?? null,
    ],
  );
  return (rows[0] as { id: string }).id;
}

export async function seedSegments(
  pool: Pool,
  tenantId: string,
  assetId: string,
  modelVersionId: string,
  segments: Array<{ startS: number; endS: number; vector: ArrayLike<number> }>,
) {
  for (const s of segments) {
    await pool.query(
      "INSERT INTO segments (tenant_id, asset_id, model_version_id, start_s, end_s, embedding) VALUES ($1, $2, $3, $4, $5, $6)",
      [tenantId, assetId, modelVersionId, s.startS, s.endS, toVectorLiteral(s.vector)],
    );
  }
}

/** A unit vector with 1 at position i (plus optional noise), for hand-checkable rankings. */
export function basis(dim: number, i: number, mix: Array<[number, number]> = []): number[] {
  const v = new Array<number>(dim).fill(0);
  v[i] = 1;
  for (const [j, w] of mix) v[j] = (v[j] as number) + w;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
