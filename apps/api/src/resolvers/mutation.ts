import {
  API_KEY_COLUMNS,
  type ApiKeyRow,
  createApiKey,
  deleteSession,
  type Role,
  sessionMemberships,
  signIn,
} from "@earshot/auth";
import type { PoolClient } from "@earshot/db";
import { enqueueReindex, releaseStoredBytes, sealUploadBatch } from "@earshot/ingest";
import { ASSET_COLUMNS, type AssetRow, checkId } from "@earshot/search";
import { requireAuth, requirePermission, tx } from "../context.ts";
import { ApiError, badInput, notFound } from "../errors.ts";
import type { MutationResolvers } from "../generated/graphql.ts";
import { limitSignIn } from "../limits.ts";
import type { BatchRow, CollectionRow, MembershipRow } from "../parents.ts";
import { TENANT_COOKIE } from "../principal.ts";
import { actorLabel, BATCH_COLUMNS, COLLECTION_COLUMNS, findBatch, findCollection, roleOf, scopeOf } from "./common.ts";
import { identityMutations, sessionTtlH, setSessionCookies, useSession } from "./identity.ts";

function text(v: string | null | undefined, name: string, max: number, min = 0): string | undefined {
  if (v == null) return undefined;
  const t = v.trim();
  if (t.length < min || t.length > max) throw badInput(`${name} must be ${min}..${max} characters`);
  return t;
}

function isUniqueViolation(err: unknown) {
  return (err as { code?: string })?.code === "23505";
}

async function requireCollection(c: PoolClient, id: string): Promise<CollectionRow> {
  return (await findCollection(c, id)) ?? Promise.reject(notFound("collection"));
}

async function membershipRow(c: PoolClient, userId: string): Promise<MembershipRow | null> {
  const { rows } = await c.query<MembershipRow>(
    `SELECT user_id AS "userId", role, created_at AS "createdAt" FROM memberships WHERE user_id = $1`,
    [userId],
  );
  return rows[0] ?? null;
}

/** Refuses to leave a tenant without an admin (row locks make concurrent demotions safe). */
async function keepOneAdmin(c: PoolClient, userId: string, newRole: Role | null) {
  const { rows } = await c.query<{ user_id: string }>(
    "SELECT user_id FROM memberships WHERE role = 'admin' ORDER BY id FOR UPDATE",
  );
  const admins = rows.map((r) => r.user_id);
  if (admins.includes(userId) && newRole !== "admin" && admins.length === 1) {
    throw badInput("a tenant needs at least one admin: promote someone else first");
  }
}

export const Mutation: MutationResolvers = {
  ...identityMutations,

  updateAudioMetadata: (_p, { id, input }, ctx) =>
    tx(ctx, "write", async (c) => {
      const sets: string[] = [];
      const params: unknown[] = [checkId(id)];
      const set = (col: string, v: unknown) => {
        params.push(v);
        sets.push(`${col} = $${params.length}`);
      };
      const title = text(input.title, "title", 300);
      if (title !== undefined) set("title", title);
      const description = text(input.description, "description", 10_000);
      if (description !== undefined) set("description", description);
      const category = text(input.category, "category", 100);
      if (category !== undefined) set("category", category);
      const licence = text(input.licence, "licence", 200);
      if (licence !== undefined) set("licence", licence);
      if (input.tags != null) {
        if (input.tags.length > 100) throw badInput("at most 100 tags");
        const tags = [...new Set(input.tags.map((t, i) => text(t, `tags[${i}]`, 100, 1) as string))];
        set("tags", tags);
      }
      if (input.custom != null) {
        if (typeof input.custom !== "object" || Array.isArray(input.custom)) throw badInput("custom must be an object");
        if (JSON.stringify(input.custom).length > 100_000) throw badInput("custom is larger than 100 kB");
        set("metadata", input.custom);
      }
      if (sets.length === 0) throw badInput("nothing to update: give at least one field");
      const { rows } = await c.query<AssetRow>(
        `UPDATE audio_assets a SET ${sets.join(", ")}, updated_at = now() WHERE a.id = $1 RETURNING ${ASSET_COLUMNS}`,
        params,
      );
      return rows[0] ?? Promise.reject(notFound("audio"));
    }),

  deleteAudio: async (_p, { id }, ctx) => {
    const p = requirePermission(ctx, "write");
    const storageKey = await tx(ctx, "write", async (c) => {
      const { rows } = await c.query<{ storage_key: string }>(
        "DELETE FROM audio_assets WHERE id = $1 RETURNING storage_key",
        [checkId(id)],
      );
      if (!rows[0]) throw notFound("audio");
      return rows[0].storage_key;
    });
    // After the commit, so a failed delete never leaves a row without its bytes. A failure here only leaves bytes
    // behind (logged); the asset is gone either way.
    const storage = ctx.deps.ingest?.storage;
    if (storage) {
      await releaseStoredBytes({ pool: ctx.deps.pool, tenantId: p.tenantId, storage }, storageKey).catch((err: Error) =>
        ctx.deps.logger.warn({ err: err.message, storageKey }, "could not delete a deleted asset's stored bytes"),
      );
    }
    return { deletedId: id };
  },

  createCollection: (_p, { input }, ctx) => {
    const p = requirePermission(ctx, "write");
    return tx(ctx, "write", async (c) => {
      const name = text(input.name, "name", 200, 1) as string;
      const description = text(input.description ?? "", "description", 10_000) ?? "";
      try {
        const { rows } = await c.query<CollectionRow>(
          `INSERT INTO collections AS c (tenant_id, name, description) VALUES ($1, $2, $3) RETURNING ${COLLECTION_COLUMNS}`,
          [p.tenantId, name, description],
        );
        return rows[0] as CollectionRow;
      } catch (err) {
        if (isUniqueViolation(err)) throw badInput(`a collection named "${name}" already exists`);
        throw err;
      }
    });
  },

  updateCollection: (_p, { id, input }, ctx) =>
    tx(ctx, "write", async (c) => {
      await requireCollection(c, id);
      const name = text(input.name, "name", 200, 1);
      const description = text(input.description, "description", 10_000);
      try {
        const { rows } = await c.query<CollectionRow>(
          `UPDATE collections c SET name = coalesce($2, name), description = coalesce($3, description), updated_at = now()
            WHERE c.id = $1 RETURNING ${COLLECTION_COLUMNS}`,
          [id, name ?? null, description ?? null],
        );
        return rows[0] as CollectionRow;
      } catch (err) {
        if (isUniqueViolation(err)) throw badInput(`a collection named "${name}" already exists`);
        throw err;
      }
    }),

  deleteCollection: (_p, { id }, ctx) =>
    tx(ctx, "write", async (c) => {
      const { rowCount } = await c.query("DELETE FROM collections WHERE id = $1", [checkId(id)]);
      if (!rowCount) throw notFound("collection");
      return { deletedId: id };
    }),

  addToCollection: (_p, { collectionId, assetIds }, ctx) => {
    const p = requirePermission(ctx, "write");
    return tx(ctx, "write", async (c) => {
      const col = await requireCollection(c, collectionId);
      if (assetIds.length === 0 || assetIds.length > 100) throw badInput("assetIds: give 1..100 ids");
      const ids = [...new Set(assetIds.map((a) => checkId(a, "assetIds")))];
      // RLS hides other tenants' assets: an id from another tenant is simply "not found".
      const { rows } = await c.query<{ id: string }>("SELECT id FROM audio_assets WHERE id = ANY($1)", [ids]);
      const found = new Set(rows.map((r) => r.id));
      const missing = ids.filter((i) => !found.has(i));
      if (missing.length > 0) throw new ApiError("NOT_FOUND", `audio not found: ${missing.join(", ")}`);
      await c.query(
        `INSERT INTO collection_items (tenant_id, collection_id, asset_id, position)
         SELECT $1, $2, a, (SELECT coalesce(max(position), 0) FROM collection_items WHERE collection_id = $2) + ord
           FROM unnest($3::uuid[]) WITH ORDINALITY AS x(a, ord)
         ON CONFLICT (collection_id, asset_id) DO NOTHING`,
        [p.tenantId, col.id, ids],
      );
      await c.query("UPDATE collections SET updated_at = now() WHERE id = $1", [col.id]);
      return col;
    });
  },

  removeFromCollection: (_p, { collectionId, assetIds }, ctx) =>
    tx(ctx, "write", async (c) => {
      const col = await requireCollection(c, collectionId);
      const ids = assetIds.map((a) => checkId(a, "assetIds"));
      await c.query("DELETE FROM collection_items WHERE collection_id = $1 AND asset_id = ANY($2)", [col.id, ids]);
      await c.query("UPDATE collections SET updated_at = now() WHERE id = $1", [col.id]);
      return col;
    }),

  createUploadBatch: (_p, { input }, ctx) => {
    const p = requirePermission(ctx, "write");
    return tx(ctx, "write", async (c) => {
      const source = text(input?.source ?? "", "source", 500) ?? "";
      const { rows } = await c.query<BatchRow>(
        `INSERT INTO upload_batches AS b (tenant_id, created_by, source) VALUES ($1, $2, $3) RETURNING ${BATCH_COLUMNS}`,
        [p.tenantId, actorLabel(p), source],
      );
      return rows[0] as BatchRow;
    });
  },

  closeUploadBatch: async (_p, { id }, ctx) => {
    const p = requirePermission(ctx, "write");
    const batchId = checkId(id);
    if (!(await tx(ctx, "write", (c) => findBatch(c, batchId)))) throw notFound("upload batch");
    // Sealing and completing run their own tenant transactions (never nested: PGlite serialises them).
    await sealUploadBatch({ pool: ctx.deps.pool, tenantId: p.tenantId }, batchId);
    return tx(ctx, "write", async (c) => (await findBatch(c, batchId)) as BatchRow);
  },

  createApiKey: async (_p, { input }, ctx) => {
    const p = requirePermission(ctx, "admin");
    const name = text(input.name, "name", 100, 1) as string;
    if (input.scopes.length === 0) throw badInput("scopes: give at least one scope");
    const scopes = [...new Set(input.scopes.map(scopeOf))];
    const { apiKey, key } = await createApiKey(ctx.deps.pool, p.tenantId, { name, scopes });
    return { apiKey, secret: key };
  },

  revokeApiKey: (_p, { id }, ctx) =>
    tx(ctx, "admin", async (c) => {
      const { rows } = await c.query<ApiKeyRow>(
        `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${API_KEY_COLUMNS}`,
        [checkId(id)],
      );
      return rows[0] ?? Promise.reject(notFound("API key"));
    }),

  setMemberRole: (_p, { userId, role }, ctx) =>
    tx(ctx, "admin", async (c) => {
      const id = checkId(userId, "userId");
      if (!(await membershipRow(c, id))) throw notFound("member");
      await keepOneAdmin(c, id, roleOf(role));
      const { rows } = await c.query<MembershipRow>(
        `UPDATE memberships SET role = $2 WHERE user_id = $1 RETURNING user_id AS "userId", role, created_at AS "createdAt"`,
        [id, roleOf(role)],
      );
      return rows[0] as MembershipRow;
    }),

  removeMember: (_p, { userId }, ctx) =>
    tx(ctx, "admin", async (c) => {
      const id = checkId(userId, "userId");
      if (!(await membershipRow(c, id))) throw notFound("member");
      await keepOneAdmin(c, id, null);
      await c.query("DELETE FROM memberships WHERE user_id = $1", [id]);
      return { deletedId: id };
    }),

  startReindex: async (_p, _a, ctx) => {
    const p = requirePermission(ctx, "admin");
    if (!ctx.deps.ingest) throw new ApiError("UNAVAILABLE", "re-indexing is not available: no ingest queue configured");
    return { jobId: await enqueueReindex(ctx.deps.ingest, p.tenantId) };
  },

  signIn: async (_p, { input }, ctx) => {
    const session = await limitSignIn(ctx.deps, input.email, ctx.request.ip, () =>
      signIn(ctx.deps.pool, input.email, input.password, sessionTtlH(ctx)),
    );
    if (!session) throw new ApiError("UNAUTHENTICATED", "wrong email or password");
    // The new session's memberships, with tickets for its tenants (the payload's tenant is read in one).
    const memberships = (await sessionMemberships(ctx.deps.pool, session.token))?.memberships ?? [];
    const m = input.tenantSlug ? memberships.find((x) => x.tenantSlug === input.tenantSlug) : memberships[0];
    if (!m) {
      await deleteSession(ctx.deps.pool, session.token);
      throw new ApiError(
        "FORBIDDEN",
        input.tenantSlug ? "you are not a member of this tenant" : "you are not a member of any tenant",
      );
    }
    await useSession(ctx, session, m.tenantSlug);
    return { user: session.user, tenantId: m.tenantId, role: m.role };
  },

  switchTenant: async (_p, { slug }, ctx) => {
    const p = requireAuth(ctx);
    if (p.kind !== "user") throw new ApiError("FORBIDDEN", "API keys belong to one tenant");
    const session = ctx.sessionToken ? await sessionMemberships(ctx.deps.pool, ctx.sessionToken) : null;
    const m = session?.memberships.find((x) => x.tenantSlug === slug);
    if (!session || !m) throw new ApiError("FORBIDDEN", "you are not a member of this tenant");
    ctx.reply.setCookie(TENANT_COOKIE, slug, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: ctx.deps.secureCookies ?? process.env.NODE_ENV === "production",
    });
    return { user: session.user, tenantId: m.tenantId, role: m.role };
  },

  signOut: async (_p, _a, ctx) => {
    if (ctx.sessionToken) await deleteSession(ctx.deps.pool, ctx.sessionToken);
    setSessionCookies(ctx, null, null);
    return true;
  },
};
