import { scopesOfRole, sessionMemberships } from "@earshot/auth";
import {
  ASSET_COLUMNS,
  type AssetRow,
  assetQueryVector,
  checkId,
  filterSql,
  searchAudio,
  searchByVector,
  tenantSearchModel,
} from "@earshot/search";
import { type Context, requireAuth, requirePermission, tx } from "../context.ts";
import { reindexState } from "../enums.ts";
import { ApiError } from "../errors.ts";
import { loadExample } from "../examples.ts";
import type { QueryResolvers, TagSuggestionSource } from "../generated/graphql.ts";
import { arrayPage, keysetPage } from "../lists.ts";
import type { BatchRow, CollectionRow } from "../parents.ts";
import { createTextVectorCache, textVectors } from "../text-vectors.ts";
import { BUILTIN_VOCABULARY } from "../vocabulary.ts";
import { BATCH_COLUMNS, COLLECTION_COLUMNS, currentTenant, findBatch, findCollection, toFilter } from "./common.ts";
import { identityQueries } from "./identity.ts";

const SORT_EXPR = { CREATED_AT: "a.created_at", TITLE: "a.title", DURATION: "a.duration_s" } as const;
const SORT_TYPE = { CREATED_AT: "timestamptz", TITLE: "text", DURATION: "float8" } as const;

const searchDeps = (ctx: Context) => ({
  pool: ctx.deps.pool,
  embedder: ctx.deps.embedder,
  vector: { efSearch: ctx.deps.efSearch },
});

export const Query: QueryResolvers = {
  ...identityQueries,

  health: () => "ok",

  me: (_p, _a, ctx) => (ctx.principal ? { kind: ctx.principal.kind } : null),

  tenant: (_p, _a, ctx) => tx(ctx, "read", currentTenant),

  model: (_p, _a, ctx) => tx(ctx, "read", tenantSearchModel),

  reindexStatus: async (_p, _a, ctx) => {
    const p = requirePermission(ctx, "admin");
    if (!ctx.deps.ingest) return null;
    // enqueueReindex keys the job by tenant, so this is the tenant's current (or last failed) re-index.
    const job = await ctx.deps.ingest.queues.reindex.getJob(`reindex-${p.tenantId}`);
    if (!job) return null;
    const progress = typeof job.progress === "number" ? job.progress : 0;
    return {
      jobId: job.id ?? "",
      state: reindexState(await job.getState()),
      progress,
      error: job.failedReason || null,
    };
  },

  searchAudio: (_p, args, ctx) => {
    const p = requirePermission(ctx, "read");
    return searchAudio(searchDeps(ctx), p.tenantId, {
      query: args.query,
      mode: args.mode ?? "HYBRID",
      filter: toFilter(args.filter),
      first: args.first,
      after: args.after,
    });
  },

  similarAudio: async (_p, args, ctx) => {
    const p = requirePermission(ctx, "read");
    const assetId = checkId(args.assetId, "assetId");
    const vector = await assetQueryVector(ctx.deps.pool, p.tenantId, assetId, args.segmentStart);
    return searchByVector(searchDeps(ctx), p.tenantId, {
      vector,
      filter: toFilter(args.filter),
      first: args.first,
      after: args.after,
      excludeAssetId: assetId,
    });
  },

  searchByExample: async (_p, args, ctx) => {
    const p = requirePermission(ctx, "read");
    const id = checkId(args.exampleId, "exampleId");
    const vector = await loadExample(ctx.deps, p.tenantId, id);
    if (!vector) throw new ApiError("NOT_FOUND", "example clip not found or expired (examples live one hour)");
    return searchByVector(searchDeps(ctx), p.tenantId, {
      vector,
      filter: toFilter(args.filter),
      first: args.first,
      after: args.after,
    });
  },

  suggestTags: async (_p, args, ctx) => {
    const p = requirePermission(ctx, "read");
    const assetId = checkId(args.assetId, "assetId");
    const audio = await assetQueryVector(ctx.deps.pool, p.tenantId, assetId);
    const { model, tenantTags } = await tx(ctx, "read", async (c) => {
      const { rows } = await c.query<{ t: string }>(
        `SELECT DISTINCT t FROM (SELECT unnest(tags) AS t FROM audio_assets UNION SELECT category FROM audio_assets) x
          WHERE t <> '' LIMIT 500`,
      );
      return { model: await tenantSearchModel(c), tenantTags: rows.map((r) => r.t) };
    });
    if (!model) throw new ApiError("UNAVAILABLE", "this tenant has no search model yet");
    const source = new Map<string, TagSuggestionSource>();
    for (const t of BUILTIN_VOCABULARY) source.set(t, "VOCABULARY");
    for (const t of tenantTags) source.set(t, "TENANT_TAG");
    const texts = [...source.keys()];
    ctx.deps.textVectors ??= createTextVectorCache();
    const { vectors, modelMismatch } = await textVectors(ctx.deps.textVectors, ctx.deps.embedder, model, texts).catch(
      (err: Error) => {
        throw new ApiError("UNAVAILABLE", `the text encoder is unavailable: ${err.message}`);
      },
    );
    if (modelMismatch) {
      throw new ApiError("UNAVAILABLE", `the embedder serves ${modelMismatch}, this tenant uses ${model.version}`);
    }
    const scored = texts
      .map((text, j) => {
        const v = vectors[j] as Float32Array;
        let s = 0;
        for (let i = 0; i < v.length; i++) s += (v[i] as number) * (audio[i] as number);
        return { id: text, text, score: s, source: source.get(text) as TagSuggestionSource };
      })
      .sort((x, y) => y.score - x.score);
    return arrayPage(scored, args.first ?? 10, args.after);
  },

  audio: async (_p, args, ctx) => {
    requirePermission(ctx, "read");
    return ctx.loaders.asset.load(checkId(args.id));
  },

  audios: (_p, args, ctx) =>
    tx(ctx, "read", (c) => {
      const params: unknown[] = [];
      const from = `audio_assets a WHERE true${filterSql(toFilter(args.filter), params)}`;
      const field = args.sort?.field ?? "CREATED_AT";
      return keysetPage<AssetRow>(
        c,
        {
          columns: ASSET_COLUMNS,
          from,
          params,
          sortExpr: SORT_EXPR[field],
          sortType: SORT_TYPE[field],
          idExpr: "a.id",
          direction: args.sort?.direction ?? (field === "CREATED_AT" ? "DESC" : "ASC"),
          first: args.first,
          after: args.after,
        },
        () =>
          tx(ctx, "read", async (c2) => {
            const { rows } = await c2.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, params);
            return rows[0]?.n ?? 0;
          }),
      );
    }),

  collection: (_p, args, ctx) => tx(ctx, "read", (c) => findCollection(c, args.id)),

  collections: (_p, args, ctx) =>
    tx(ctx, "read", (c) =>
      keysetPage<CollectionRow>(
        c,
        {
          columns: COLLECTION_COLUMNS,
          from: "collections c WHERE true",
          params: [],
          sortExpr: "c.name",
          sortType: "text",
          idExpr: "c.id",
          direction: "ASC",
          first: args.first,
          after: args.after,
        },
        () =>
          tx(ctx, "read", async (c2) => {
            const { rows } = await c2.query<{ n: number }>("SELECT count(*)::int AS n FROM collections");
            return rows[0]?.n ?? 0;
          }),
      ),
    ),

  uploadBatch: (_p, args, ctx) => tx(ctx, "read", (c) => findBatch(c, args.id)),

  uploadBatches: (_p, args, ctx) =>
    tx(ctx, "read", (c) =>
      keysetPage<BatchRow>(c, {
        columns: BATCH_COLUMNS,
        from: "upload_batches b WHERE true",
        params: [],
        sortExpr: "b.created_at",
        sortType: "timestamptz",
        idExpr: "b.id",
        direction: "DESC",
        first: args.first,
        after: args.after,
      }),
    ),
};

/** Me's fields depend on the kind of caller. */
export async function meMemberships(ctx: Context) {
  const p = requireAuth(ctx);
  if (p.kind !== "user" || !ctx.sessionToken) return [];
  const list = (await sessionMemberships(ctx.deps.pool, ctx.sessionToken))?.memberships ?? [];
  return list.map((m) => ({
    tenantSlug: m.tenantSlug,
    tenantName: m.tenantName,
    role: m.role.toUpperCase() as "VIEWER",
  }));
}

export function meScopes(ctx: Context) {
  const p = requireAuth(ctx);
  const scopes = p.kind === "user" ? scopesOfRole(p.role) : p.scopes;
  return scopes.map((s) => s.toUpperCase() as "SEARCH");
}
