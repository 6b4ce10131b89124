// Builds the real API on a throwaway database, real Redis (unique key prefix) and a temp storage dir.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { addMembership, createApiKey, createSession, createUser, type Role, type Scope } from "@earshot/auth";
import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { EmbedderClient } from "@earshot/embedder-client";
import { createIngestQueues, type IngestQueues, LocalStorage } from "@earshot/ingest";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { pino } from "pino";
import { type ApiDeps, buildServer, storageMediaStore } from "../src/server.ts";

export interface Harness {
  app: FastifyInstance;
  /** The owner's pool, for seeding and inspecting; the API itself uses deps.pool (its own login role). */
  pool: Pool;
  redis: Redis;
  storage: LocalStorage;
  queues: IngestQueues;
  deps: ApiDeps;
  prefix: string;
  /** JSON lines the API logged at warn level or above. */
  logLines: string[];
  close(): Promise<void>;
  /** A user with a session in the tenant; returns the cookie header to send. */
  user(tenantId: string, role: Role, email?: string): Promise<{ userId: string; cookie: string; email: string }>;
  apiKey(tenantId: string, scopes: Scope[]): Promise<{ id: string; bearer: string }>;
  gql<T = Record<string, unknown>>(
    auth: Auth,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }>; status: number }>;
}

export type Auth = { cookie?: string; bearer?: string } | null;

export function authHeaders(auth: Auth): Record<string, string> {
  if (!auth) return {};
  if (auth.bearer) return { authorization: `Bearer ${auth.bearer}` };
  if (auth.cookie) return { cookie: auth.cookie };
  return {};
}

export async function createHarness(
  opts: { rateLimitPointsPerMinute?: number; embedderUrl?: string; introspection?: boolean } = {},
): Promise<Harness> {
  const db: TestDatabase = await createTestDatabase();
  // The API logs in as its own role, as in production; the tests seed and inspect as the owner.
  const pool = createPool(db.ownerUrl);
  const apiPool = createPool(db.apiUrl);
  const prefix = `earshot-test-${randomBytes(4).toString("hex")}`;
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const queues = createIngestQueues({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", prefix });
  const logLines: string[] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), "earshot-api-"));
  const storage = new LocalStorage(dir);
  const deps: ApiDeps = {
    pool: apiPool,
    // Warnings and errors are kept in logLines: tests assert that client mistakes log nothing at error level.
    logger: pino({ level: "warn" }, { write: (line: string) => void logLines.push(line) }),
    redis,
    // Nothing listens on port 9: text encoding answers UNAVAILABLE unless a test starts an embedder.
    embedder: new EmbedderClient(opts.embedderUrl ?? "http://127.0.0.1:9", { retries: 0, timeoutMs: 2000 }),
    media: storageMediaStore(storage),
    ingest: { storage, queues, maxFileBytes: 1024 * 1024 },
    mediaSecret: randomBytes(32).toString("hex"),
    mediaTtlS: 60,
    rateLimitPointsPerMinute: opts.rateLimitPointsPerMinute ?? 10_000_000,
    introspection: opts.introspection,
    redisPrefix: prefix,
  };
  const app = await buildServer(deps);
  const h: Harness = {
    logLines,
    app,
    pool,
    redis,
    storage,
    queues,
    deps,
    prefix,
    async close() {
      await app.close();
      await queues.ingest.obliterate({ force: true }).catch(() => {});
      await queues.reindex.obliterate({ force: true }).catch(() => {});
      await queues.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await pool.end();
      await apiPool.end();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
    async user(tenantId, role, email = `${randomBytes(4).toString("hex")}@example.org`) {
      const u = await createUser(pool, { email, name: `User ${role}`, password: "correct horse battery" });
      await addMembership(pool, tenantId, u.id, role);
      const s = await createSession(pool, u.id, 1);
      return { userId: u.id, cookie: `earshot_session=${s.token}`, email };
    },
    async apiKey(tenantId, scopes) {
      const { apiKey, key } = await createApiKey(pool, tenantId, { name: `key ${scopes.join("+")}`, scopes });
      return { id: apiKey.id, bearer: key };
    },
    async gql(auth, query, variables) {
      const res = await app.inject({
        method: "POST",
        url: "/graphql",
        headers: { "content-type": "application/json", ...authHeaders(auth) },
        payload: { query, variables },
      });
      return { ...res.json(), status: res.statusCode };
    },
  };
  return h;
}
