import {
  API_KEY_COLUMNS,
  type ApiKeyRow,
  INVITATION_COLUMNS,
  type InvitationRow,
  PENDING_INVITATION,
} from "@earshot/auth";
import { withTenant } from "@earshot/db";
import { ASSET_COLUMNS, type AssetRow } from "@earshot/search";
import { requireAuth, tx } from "../context.ts";
import { uploadErrorCode } from "../enums.ts";
import { notFound } from "../errors.ts";
import type { Resolvers } from "../generated/graphql.ts";
import { arrayPage, keysetPage } from "../lists.ts";
import { mediaUrls } from "../media.ts";
import type { ItemRow, MembershipRow } from "../parents.ts";
import { DateTime, JSONScalar } from "../scalars.ts";
import { ITEM_COLUMNS, TENANT_COLUMNS, upper } from "./common.ts";
import { Invitation } from "./identity.ts";
import { meMemberships, meScopes } from "./query.ts";

export const typeResolvers: Resolvers = {
  DateTime,
  JSON: JSONScalar,

  Audio: {
    custom: (a) => a.metadata ?? {},
    status: (a) => upper(a.status),
    media: (a) => a,
    collections: async (a, args, ctx) =>
      arrayPage(await ctx.loaders.collectionsOfAsset.load(a.id), args.first, args.after),
    segmentCount: (a, _args, ctx) => ctx.loaders.segmentCount.load(a.id),
  },
  AudioMedia: {
    streamUrl: (a, _args, ctx) => mediaUrls(ctx.deps, a.tenantId, a).streamUrl,
    downloadUrl: (a, _args, ctx) => mediaUrls(ctx.deps, a.tenantId, a).downloadUrl,
    peaksUrl: (a, _args, ctx) => mediaUrls(ctx.deps, a.tenantId, a).peaksUrl,
    expiresAt: (_a, _args, ctx) => new Date((Math.floor(Date.now() / 1000) + (ctx.deps.mediaTtlS ?? 900)) * 1000),
  },
  AudioConnection: {
    totalCount: (c) => (c.totalCount ? c.totalCount() : c.edges.length),
  },
  CollectionConnection: {
    totalCount: (c) => (c.totalCount ? c.totalCount() : c.edges.length),
  },

  SearchConnection: {
    edges: (page) => page.hits.map((h) => ({ node: h, cursor: h.cursor })),
  },

  Collection: {
    items: (col, args, ctx) =>
      tx(ctx, "read", (c) =>
        keysetPage<AssetRow>(
          c,
          {
            columns: ASSET_COLUMNS,
            from: "collection_items ci JOIN audio_assets a ON a.id = ci.asset_id WHERE ci.collection_id = $1",
            params: [col.id],
            sortExpr: "ci.added_at",
            sortType: "timestamptz",
            idExpr: "a.id",
            direction: "DESC",
            first: args.first,
            after: args.after,
          },
          () =>
            tx(ctx, "read", async (c2) => {
              const { rows } = await c2.query<{ n: number }>(
                "SELECT count(*)::int AS n FROM collection_items WHERE collection_id = $1",
                [col.id],
              );
              return rows[0]?.n ?? 0;
            }),
        ),
      ),
  },

  UploadBatch: {
    status: (b) => upper(b.status),
    uploadUrl: (b) => `/v1/uploads/${b.id}/files`,
    progress: (b, _args, ctx) => ctx.loaders.batchProgress.load(b.id),
    items: (b, args, ctx) =>
      tx(ctx, "read", (c) => {
        const params: unknown[] = [b.id];
        let from = "upload_items i WHERE i.batch_id = $1";
        if (args.status) {
          params.push(args.status.toLowerCase());
          from += " AND i.status::text = $2";
        }
        return keysetPage<ItemRow>(c, {
          columns: ITEM_COLUMNS,
          from,
          params,
          sortExpr: "i.created_at",
          sortType: "timestamptz",
          idExpr: "i.id",
          direction: "ASC",
          first: args.first,
          after: args.after,
        });
      }),
  },
  UploadItem: {
    status: (i) => upper(i.status),
    errorCode: (i) => uploadErrorCode(i.errorCode),
    asset: (i, _args, ctx) => (i.assetId ? ctx.loaders.asset.load(i.assetId) : null),
  },

  Membership: {
    user: async (m, _args, ctx) => (await ctx.loaders.user.load(m.userId)) ?? Promise.reject(notFound("user")),
    role: (m) => upper(m.role),
  },
  ApiKey: {
    scopes: (k) => k.scopes.map((s) => upper(s)),
  },

  Tenant: {
    searchModel: (t, _args, ctx) => (t.searchModelVersionId ? ctx.loaders.model.load(t.searchModelVersionId) : null),
    members: (t, args, ctx) =>
      tx(ctx, "admin", (c) =>
        keysetPage<MembershipRow & { id: string }>(c, {
          columns: `m.id, m.user_id AS "userId", m.role, m.created_at AS "createdAt"`,
          from: "memberships m WHERE m.tenant_id = $1",
          params: [t.id],
          sortExpr: "m.created_at",
          sortType: "timestamptz",
          idExpr: "m.id",
          direction: "ASC",
          first: args.first,
          after: args.after,
        }),
      ),
    apiKeys: (t, args, ctx) =>
      tx(ctx, "admin", (c) =>
        keysetPage<ApiKeyRow>(c, {
          columns: API_KEY_COLUMNS,
          from: "api_keys WHERE tenant_id = $1",
          params: [t.id],
          sortExpr: "created_at",
          sortType: "timestamptz",
          idExpr: "id",
          direction: "DESC",
          first: args.first,
          after: args.after,
        }),
      ),
    invitations: (t, args, ctx) =>
      tx(ctx, "admin", (c) =>
        keysetPage<InvitationRow>(c, {
          columns: INVITATION_COLUMNS,
          from: `invitations i WHERE i.tenant_id = $1 AND ${PENDING_INVITATION}`,
          params: [t.id],
          sortExpr: "i.created_at",
          sortType: "timestamptz",
          idExpr: "i.id",
          direction: "DESC",
          first: args.first,
          after: args.after,
        }),
      ),
  },

  Invitation,
  InvitationPreview: {
    role: (i) => upper(i.role),
  },

  ModelVersion: {
    architecture: (m) => (typeof m.manifest?.architecture === "string" ? m.manifest.architecture : null),
    // The embedder's summary lists expert names; a bundle's own manifest lists expert objects with a name.
    experts: (m) =>
      Array.isArray(m.manifest?.experts)
        ? (m.manifest.experts as unknown[]).map((e) =>
            typeof e === "string" ? e : String((e as { name?: unknown } | null)?.name ?? ""),
          )
        : [],
  },

  Me: {
    user: async (_m, _args, ctx) => {
      const p = requireAuth(ctx);
      return p.kind === "user" ? ctx.loaders.user.load(p.userId) : null;
    },
    apiKey: async (_m, _args, ctx) => {
      const p = requireAuth(ctx);
      if (p.kind !== "apiKey") return null;
      return withTenant(ctx.deps.pool, p.tenantId, async (c) => {
        const { rows } = await c.query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1`, [
          p.apiKeyId,
        ]);
        return rows[0] ?? null;
      });
    },
    tenant: async (_m, _args, ctx) => {
      const p = requireAuth(ctx);
      return withTenant(ctx.deps.pool, p.tenantId, async (c) => {
        const { rows } = await c.query(`SELECT ${TENANT_COLUMNS} FROM tenants t WHERE t.id = earshot_current_tenant()`);
        return rows[0];
      });
    },
    role: (_m, _args, ctx) => {
      const p = requireAuth(ctx);
      return p.kind === "user" ? upper(p.role) : null;
    },
    scopes: (_m, _args, ctx) => meScopes(ctx),
    memberships: (_m, _args, ctx) => meMemberships(ctx),
  },

  SignInPayload: {
    role: (s) => upper(s.role),
    tenant: (s, _args, ctx) =>
      withTenant(ctx.deps.pool, s.tenantId, async (c) => {
        const { rows } = await c.query(`SELECT ${TENANT_COLUMNS} FROM tenants t WHERE t.id = earshot_current_tenant()`);
        return rows[0];
      }),
  },
};
