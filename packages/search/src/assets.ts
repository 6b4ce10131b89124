import type { PoolClient } from "@earshot/db";
import { SearchError } from "./errors.ts";

export type AssetStatus = "pending" | "processing" | "ready" | "failed";

export interface AssetRow {
  id: string;
  tenantId: string;
  storageKey: string;
  sha256: string;
  originalFilename: string;
  mime: string;
  codec: string;
  sizeBytes: number;
  durationS: number;
  sampleRate: number;
  channels: number;
  title: string;
  description: string;
  tags: string[];
  category: string;
  licence: string;
  metadata: Record<string, unknown>;
  hasPeaks: boolean;
  status: AssetStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** Columns of audio_assets (alias a) as AssetRow; peaks stay in the table (fetched only by the peaks endpoint). */
export const ASSET_COLUMNS = `a.id, a.tenant_id AS "tenantId", a.storage_key AS "storageKey", a.sha256,
  a.original_filename AS "originalFilename", a.mime, a.codec, a.size_bytes::float8 AS "sizeBytes",
  a.duration_s AS "durationS", a.sample_rate AS "sampleRate", a.channels, a.title, a.description, a.tags,
  a.category, a.licence, a.metadata, (a.peaks IS NOT NULL) AS "hasPeaks", a.status,
  a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

export function checkId(id: string, what = "id"): string {
  if (!isUuid(id)) throw new SearchError("BAD_USER_INPUT", `${what} must be a UUID`);
  return id.toLowerCase();
}

/** Assets by id in the current tenant (RLS hides others), in the order asked; missing ids are left out. */
export async function assetsByIds(client: PoolClient, ids: readonly string[]): Promise<Map<string, AssetRow>> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return new Map();
  const { rows } = await client.query<AssetRow>(`SELECT ${ASSET_COLUMNS} FROM audio_assets a WHERE a.id = ANY($1)`, [
    valid,
  ]);
  return new Map(rows.map((r) => [r.id, r]));
}
