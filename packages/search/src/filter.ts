import { checkId } from "./assets.ts";
import { SearchError } from "./errors.ts";

export interface AudioFilter {
  collectionId?: string | null;
  minDurationS?: number | null;
  maxDurationS?: number | null;
  categories?: string[] | null;
  tags?: string[] | null;
  licences?: string[] | null;
  uploadedAfter?: Date | string | null;
  uploadedBefore?: Date | string | null;
  statuses?: string[] | null;
}

function toDate(v: Date | string, name: string): Date {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new SearchError("BAD_USER_INPUT", `${name} is not a valid date-time`);
  return d;
}

function checkList(v: string[], name: string): string[] {
  if (v.length > 100) throw new SearchError("BAD_USER_INPUT", `${name}: at most 100 values`);
  return v;
}

/**
 * SQL conditions (each starting with " AND ") over audio_assets alias `a`; values are appended to params.
 * Unset fields add nothing.
 */
export function filterSql(f: AudioFilter | null | undefined, params: unknown[], a = "a"): string {
  if (!f) return "";
  const out: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.collectionId != null) {
    const id = checkId(f.collectionId, "filter.collectionId");
    out.push(`EXISTS (SELECT 1 FROM collection_items ci WHERE ci.asset_id = ${a}.id AND ci.collection_id = ${p(id)})`);
  }
  for (const [key, op] of [
    ["minDurationS", ">="],
    ["maxDurationS", "<="],
  ] as const) {
    const v = f[key];
    if (v == null) continue;
    if (!Number.isFinite(v) || v < 0) throw new SearchError("BAD_USER_INPUT", `filter.${key} must be >= 0`);
    out.push(`${a}.duration_s ${op} ${p(v)}`);
  }
  if (f.minDurationS != null && f.maxDurationS != null && f.minDurationS > f.maxDurationS) {
    throw new SearchError("BAD_USER_INPUT", "filter.minDurationS is larger than filter.maxDurationS");
  }
  if (f.categories?.length) out.push(`${a}.category = ANY(${p(checkList(f.categories, "filter.categories"))})`);
  if (f.licences?.length) out.push(`${a}.licence = ANY(${p(checkList(f.licences, "filter.licences"))})`);
  if (f.tags?.length) out.push(`${a}.tags @> ${p(checkList(f.tags, "filter.tags"))}::text[]`);
  if (f.uploadedAfter != null) out.push(`${a}.created_at >= ${p(toDate(f.uploadedAfter, "filter.uploadedAfter"))}`);
  if (f.uploadedBefore != null) out.push(`${a}.created_at < ${p(toDate(f.uploadedBefore, "filter.uploadedBefore"))}`);
  if (f.statuses?.length) {
    const ok = ["pending", "processing", "ready", "failed"];
    const s = f.statuses.map((x) => x.toLowerCase());
    if (!s.every((x) => ok.includes(x))) throw new SearchError("BAD_USER_INPUT", "filter.statuses: unknown status");
    out.push(`${a}.status::text = ANY(${p(s)})`);
  }
  return out.map((c) => ` AND ${c}`).join("");
}
