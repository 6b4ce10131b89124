import { can, type Permission, type Principal } from "@earshot/auth";
import { type Pool, type PoolClient, withTenant } from "@earshot/db";
import type { EmbedderClient } from "@earshot/embedder-client";
import type { IngestQueues, Storage } from "@earshot/ingest";
import type { Logger } from "@earshot/log";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { ApiError } from "./errors.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { MediaStore } from "./media.ts";
import type { TextVectorCache } from "./text-vectors.ts";

/** Upload storage and queues (from @earshot/ingest); absent, uploads and re-index answer UNAVAILABLE. */
export interface IngestDeps {
  storage: Storage;
  queues: Pick<IngestQueues, "ingest" | "reindex">;
  maxFileBytes?: number;
}

export interface ApiDeps {
  pool: Pool;
  logger: Logger;
  redis: Redis;
  embedder: Pick<EmbedderClient, "embedTexts" | "embedAudio" | "model">;
  media: MediaStore;
  ingest?: IngestDeps;
  /** HMAC key for signed media URLs. */
  mediaSecret: string;
  mediaTtlS?: number;
  /** Query-cost points per minute per API key, user or anonymous client (see limits.ts). */
  rateLimitPointsPerMinute?: number;
  /** Proxies whose X-Forwarded-For is believed (Fastify trustProxy / proxy-addr); default: loopback. */
  trustedProxies?: string[];
  /** GraphQL introspection and "Did you mean" hints; default: outside production. */
  introspection?: boolean;
  webOrigin?: string;
  sessionTtlH?: number;
  /** How long an invitation link works (INVITATION_TTL_H). */
  invitationTtlH?: number;
  /** Secure cookies (HTTPS); default in production. */
  secureCookies?: boolean;
  efSearch?: number;
  maxUploadBytes?: number;
  /** Redis key prefix (tests use their own). */
  redisPrefix?: string;
  /** suggestTags' text vectors, bounded by bytes; buildServer makes one (DEFAULT_TEXT_VECTOR_CACHE_BYTES) if absent. */
  textVectors?: TextVectorCache;
}

export interface Context {
  deps: ApiDeps;
  principal: Principal | null;
  /** The raw session cookie, when the caller is a session (signOut deletes it). */
  sessionToken: string | null;
  request: FastifyRequest;
  reply: FastifyReply;
  loaders: Loaders;
}

export function makeContext(
  deps: ApiDeps,
  principal: Principal | null,
  sessionToken: string | null,
  request: FastifyRequest,
  reply: FastifyReply,
): Context {
  return {
    deps,
    principal,
    sessionToken,
    request,
    reply,
    loaders: createLoaders(deps.pool, principal?.tenantId ?? null),
  };
}

export function requireAuth(ctx: Context): Principal {
  if (!ctx.principal) throw new ApiError("UNAUTHENTICATED", "sign in or send an API key");
  return ctx.principal;
}

const NEEDS: Record<Permission, string> = {
  read: "the viewer role or the SEARCH scope",
  write: "the archivist role or the INGEST scope",
  admin: "the admin role or the ADMIN scope",
};

export function requirePermission(ctx: Context, permission: Permission): Principal {
  const p = requireAuth(ctx);
  if (!can(p, permission)) throw new ApiError("FORBIDDEN", `this needs ${NEEDS[permission]}`);
  return p;
}

/** Runs fn in a transaction under row-level security for the caller's tenant. */
export function tx<T>(ctx: Context, permission: Permission, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const p = requirePermission(ctx, permission);
  return withTenant(ctx.deps.pool, p.tenantId, fn);
}
