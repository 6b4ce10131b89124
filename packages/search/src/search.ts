// Content search (CE vectors in pgvector), metadata search (Postgres full-text) and their fusion.
// Every query here runs inside withTenant: row-level security adds the tenant condition to each table scan,
// including the HNSW scan over segments, whose recall under that filter is kept by pgvector's iterative scan.
import { type Pool, type PoolClient, toVectorLiteral, withTenant } from "@earshot/db";
import type { EmbedderClient } from "@earshot/embedder-client";
import { type AssetRow, assetsByIds, checkId } from "./assets.ts";
import { checkFirst, offsetCursor, offsetFromCursor } from "./cursor.ts";
import { SearchError } from "./errors.ts";
import { type AudioFilter, filterSql } from "./filter.ts";
import { type ModelVersionRow, tenantSearchModel } from "./model.ts";

export type SearchMode = "CONTENT" | "METADATA" | "HYBRID";
export type MatchSource = "CONTENT" | "METADATA";

export interface SearchHit {
  asset: AssetRow;
  score: number;
  segment: { startS: number; endS: number } | null;
  foundBy: MatchSource[];
  cursor: string;
}

export interface SearchPage {
  hits: SearchHit[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  model: ModelVersionRow | null;
}

export interface VectorSearchOptions {
  /** hnsw.ef_search (1..1000); raised to the candidate count when that is larger. Default 400. */
  efSearch?: number;
  /** pgvector 0.8 iterative index scan, so filters (tenant, AudioFilter) still fill the result. Default relaxed_order. */
  iterativeScan?: "relaxed_order" | "strict_order" | "off";
  /** hnsw.max_scan_tuples: bound on the iterative scan's work. Default 20000 (pgvector's). */
  maxScanTuples?: number;
  /** Exact scan (no index): the recall baseline. */
  exact?: boolean;
}

export interface SearchDeps {
  pool: Pool;
  embedder: Pick<EmbedderClient, "embedTexts">;
  vector?: VectorSearchOptions;
}

export interface SearchInput {
  query: string;
  mode?: SearchMode;
  filter?: AudioFilter | null;
  first?: number | null;
  after?: string | null;
}

export const MAX_QUERY_CHARS = 1000;
/** Ranked candidates considered per ranking; pages beyond this depth are empty. */
export const MAX_CANDIDATES = 1000;
/** Served defaults (see docs/benchmarks.md, "Search"). */
export const DEFAULT_EF_SEARCH = 400;
/** Reciprocal rank fusion constant (Cormack et al. use 60). */
const RRF_K = 60;

interface Candidate {
  assetId: string;
  score: number;
  segment: { startS: number; endS: number } | null;
}

/** searchAudio: text in, ranked assets out (see the GraphQL schema for the modes). */
export async function searchAudio(deps: SearchDeps, tenantId: string, input: SearchInput): Promise<SearchPage> {
  const query = input.query.trim();
  if (query.length === 0) throw new SearchError("BAD_USER_INPUT", "query must not be empty");
  if (input.query.length > MAX_QUERY_CHARS) {
    throw new SearchError("BAD_USER_INPUT", `query is longer than ${MAX_QUERY_CHARS} characters`);
  }
  const mode = input.mode ?? "HYBRID";
  const first = checkFirst(input.first);
  const offset = offsetFromCursor(input.after);
  const depth = Math.min(MAX_CANDIDATES, offset + first + 1);
  const params: unknown[] = [];
  filterSql(input.filter, params); // validate before any work

  // Encoding starts before the transaction opens, so the two overlap; the model check happens inside it.
  const encoded = mode === "METADATA" ? null : encodeQuery(deps, query);
  encoded?.catch(() => {}); // handled below; a tenant without a model never looks at it

  return withTenant(deps.pool, tenantId, async (client) => {
    const model = await tenantSearchModel(client);
    if (mode === "CONTENT" && !model) {
      throw new SearchError("UNAVAILABLE", "content search is not available: this tenant has no search model yet");
    }
    const useContent = encoded !== null && model !== null;
    let content: Candidate[] = [];
    if (useContent && model) {
      const vector = checkModel(await encoded, model);
      content = await contentCandidates(client, model, vector, input.filter, depth, deps.vector);
    }
    const metadata = mode !== "CONTENT" ? await metadataCandidates(client, query, input.filter, depth) : [];
    const only: MatchSource = useContent ? "CONTENT" : "METADATA";
    const ranked =
      mode === "HYBRID" && useContent
        ? fuse(content, metadata)
        : (useContent ? content : metadata).map((c) => ({ ...c, foundBy: [only] }));
    return page(client, ranked, offset, first, useContent ? model : null);
  });
}

/** Query by example: ranked assets near a given audio-side vector (an indexed segment or an uploaded clip). */
export async function searchByVector(
  deps: Pick<SearchDeps, "pool" | "vector">,
  tenantId: string,
  input: {
    vector: Float32Array | number[];
    filter?: AudioFilter | null;
    first?: number | null;
    after?: string | null;
    excludeAssetId?: string;
  },
): Promise<SearchPage> {
  const first = checkFirst(input.first);
  const offset = offsetFromCursor(input.after);
  const depth = Math.min(MAX_CANDIDATES, offset + first + 1 + (input.excludeAssetId ? 1 : 0));
  filterSql(input.filter, []);
  return withTenant(deps.pool, tenantId, async (client) => {
    const model = await tenantSearchModel(client);
    if (!model) throw new SearchError("UNAVAILABLE", "this tenant has no search model yet");
    if (input.vector.length !== model.dim) {
      throw new SearchError("BAD_USER_INPUT", `example vector has ${input.vector.length} dims, model has ${model.dim}`);
    }
    const content = (await contentCandidates(client, model, input.vector, input.filter, depth, deps.vector)).filter(
      (c) => c.assetId !== input.excludeAssetId,
    );
    const ranked = content.map((c) => ({ ...c, foundBy: ["CONTENT"] as MatchSource[] }));
    return page(client, ranked, offset, first, model);
  });
}

/**
 * The query vector of an indexed asset: its segment nearest to segmentStart, or (no segmentStart) the mean of its
 * segments. NOT_FOUND when the asset is not this tenant's or has no segments for the tenant's model.
 */
export async function assetQueryVector(
  pool: Pool,
  tenantId: string,
  assetId: string,
  segmentStart?: number | null,
): Promise<number[]> {
  checkId(assetId, "assetId");
  if (segmentStart != null && !(Number.isFinite(segmentStart) && segmentStart >= 0)) {
    throw new SearchError("BAD_USER_INPUT", "segmentStart must be >= 0");
  }
  return withTenant(pool, tenantId, async (client) => {
    const model = await tenantSearchModel(client);
    if (!model) throw new SearchError("UNAVAILABLE", "this tenant has no search model yet");
    const v = `embedding::vector(${model.dim})`;
    const { rows } =
      segmentStart == null
        ? await client.query<{ v: string | null }>(
            `SELECT avg(${v})::text AS v FROM segments WHERE asset_id = $1 AND model_version_id = $2`,
            [assetId, model.id],
          )
        : await client.query<{ v: string | null }>(
            `SELECT ${v}::text AS v FROM segments WHERE asset_id = $1 AND model_version_id = $2
              ORDER BY abs(start_s - $3), start_s LIMIT 1`,
            [assetId, model.id, segmentStart],
          );
    const text = rows[0]?.v;
    if (!text) throw new SearchError("NOT_FOUND", "no indexed audio with this id");
    return text.slice(1, -1).split(",").map(Number);
  });
}

async function encodeQuery(deps: SearchDeps, text: string) {
  try {
    const res = await deps.embedder.embedTexts([text]);
    return { model: res.model, vector: res.vectors[0] as Float32Array };
  } catch (err) {
    throw new SearchError("UNAVAILABLE", `the text encoder is unavailable: ${(err as Error).message}`);
  }
}

/** The embedder must serve the model the tenant's vectors were made with, or scores would be meaningless. */
function checkModel(
  encoded: { model: { name: string; version: string; dim: number }; vector: Float32Array },
  model: ModelVersionRow,
) {
  const m = encoded.model;
  if (m.name !== model.name || m.version !== model.version || m.dim !== model.dim) {
    throw new SearchError(
      "UNAVAILABLE",
      `the embedder serves ${m.name} ${m.version}, but this tenant searches with ${model.name} ${model.version}`,
    );
  }
  return encoded.vector;
}

/**
 * Best segment per asset among the `depth`-asset neighbourhood of the query. Fetches more segments than assets
 * (several segments of one long recording often rank together), then keeps each asset's best.
 */
export async function contentCandidates(
  client: PoolClient,
  model: ModelVersionRow,
  vector: ArrayLike<number>,
  filter: AudioFilter | null | undefined,
  depth: number,
  opts: VectorSearchOptions = {},
): Promise<Candidate[]> {
  const segLimit = Math.min(MAX_CANDIDATES, Math.max(depth * 3, 40));
  const ef = Math.min(1000, Math.max(Math.trunc(opts.efSearch ?? DEFAULT_EF_SEARCH), segLimit));
  const iterative = opts.iterativeScan ?? "relaxed_order";
  if (!["relaxed_order", "strict_order", "off"].includes(iterative)) throw new RangeError("bad iterativeScan");
  // No special case for small tenants: for a selective tenant condition the planner already prefers the
  // (tenant_id, model_version_id) btree and an exact top-N sort over the HNSW scan (docs/benchmarks.md, "Search").
  const exact = opts.exact ?? false;
  // One round trip for all settings (simple protocol allows several statements).
  await client.query(
    `SET LOCAL hnsw.ef_search = ${ef}; SET LOCAL hnsw.iterative_scan = ${iterative};
     SET LOCAL hnsw.max_scan_tuples = ${Math.trunc(opts.maxScanTuples ?? 20000)}; SET LOCAL enable_indexscan = ${exact ? "off" : "on"}`,
  );
  const params: unknown[] = [toVectorLiteral(vector), model.id, segLimit];
  const filters = filterSql(filter, params);
  const dist = `(s.embedding::vector(${model.dim})) <#> $1::vector(${model.dim})`;
  // The asset filter sits inside the segment scan (EXISTS), so the iterative index scan keeps going until enough
  // segments pass it; relaxed_order returns approximately ordered rows, hence the re-sort outside.
  const { rows } = await client.query<{ asset_id: string; start_s: number; end_s: number; dist: number }>(
    `WITH nn AS MATERIALIZED (
       SELECT s.asset_id, s.start_s, s.end_s, ${dist} AS dist
         FROM segments s
        WHERE s.model_version_id = $2
          ${filters ? `AND EXISTS (SELECT 1 FROM audio_assets a WHERE a.id = s.asset_id${filters})` : ""}
        ORDER BY ${dist}
        LIMIT $3)
     SELECT DISTINCT ON (asset_id) asset_id, start_s, end_s, dist FROM nn ORDER BY asset_id, dist, start_s`,
    params,
  );
  if (exact) await client.query("SET LOCAL enable_indexscan = on");
  return rows
    .map((r) => ({ assetId: r.asset_id, score: -r.dist, segment: { startS: r.start_s, endS: r.end_s } }))
    .sort((x, y) => y.score - x.score || (x.assetId < y.assetId ? -1 : 1))
    .slice(0, depth);
}

/** Full-text ranking over title (A), tags and category (B), description (C); web-search syntax ("quoted", -not, or). */
export async function metadataCandidates(
  client: PoolClient,
  query: string,
  filter: AudioFilter | null | undefined,
  depth: number,
): Promise<Candidate[]> {
  const params: unknown[] = [query, depth];
  const filters = filterSql(filter, params);
  const { rows } = await client.query<{ id: string; score: number }>(
    `SELECT a.id, ts_rank_cd(a.search_document, q, 32) AS score
       FROM audio_assets a, websearch_to_tsquery('english', $1) q
      WHERE a.search_document @@ q AND a.status = 'ready'${filters}
      ORDER BY score DESC, a.id
      LIMIT $2`,
    params,
  );
  return rows.map((r) => ({ assetId: r.id, score: r.score, segment: null }));
}

/** Reciprocal rank fusion: sum over rankings of 1 / (k + rank). */
export function fuse(content: Candidate[], metadata: Candidate[]) {
  const out = new Map<string, Candidate & { foundBy: MatchSource[] }>();
  const add = (list: Candidate[], source: MatchSource) =>
    list.forEach((c, i) => {
      const prev = out.get(c.assetId);
      const s = 1 / (RRF_K + i + 1);
      if (prev) {
        prev.score += s;
        prev.foundBy.push(source);
        prev.segment ??= c.segment;
      } else out.set(c.assetId, { assetId: c.assetId, score: s, segment: c.segment, foundBy: [source] });
    });
  add(content, "CONTENT");
  add(metadata, "METADATA");
  return [...out.values()].sort((x, y) => y.score - x.score || (x.assetId < y.assetId ? -1 : 1));
}

async function page(
  client: PoolClient,
  ranked: Array<Candidate & { foundBy: MatchSource[] }>,
  offset: number,
  first: number,
  model: ModelVersionRow | null,
): Promise<SearchPage> {
  const slice = ranked.slice(offset, offset + first);
  const assets = await assetsByIds(
    client,
    slice.map((c) => c.assetId),
  );
  // Content hits are post-filtered to ready assets here (segments of an asset being re-processed may exist).
  const hits: SearchHit[] = [];
  slice.forEach((c, i) => {
    const asset = assets.get(c.assetId);
    if (asset && asset.status === "ready") {
      hits.push({ asset, score: c.score, segment: c.segment, foundBy: c.foundBy, cursor: offsetCursor(offset + i) });
    }
  });
  return {
    hits,
    pageInfo: {
      hasNextPage: ranked.length > offset + first,
      hasPreviousPage: offset > 0,
      startCursor: hits[0]?.cursor ?? null,
      endCursor: hits.at(-1)?.cursor ?? null,
    },
    model,
  };
}

export { SearchError };
