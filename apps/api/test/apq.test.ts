// Automatic persisted queries across API replicas: the hash registry lives in Redis, not in one process.
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APQ_TTL_S } from "../src/apq-cache.ts";
import { buildServer } from "../src/server.ts";
import { createHarness, type Harness } from "./harness.ts";

let h: Harness;
let replicaB: FastifyInstance;
beforeAll(async () => {
  h = await createHarness();
  // A second API process on the same Redis and prefix, as a second replica behind a load balancer would be.
  replicaB = await buildServer(h.deps);
});
afterAll(async () => {
  await replicaB?.close();
  await h?.close();
});

const sha = (q: string) => createHash("sha256").update(q).digest("hex");
const post = async (app: FastifyInstance, payload: Record<string, unknown>) => {
  const res = await app.inject({
    method: "POST",
    url: "/graphql",
    headers: { "content-type": "application/json" },
    payload,
  });
  return res.json() as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
};
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

describe("persisted queries in Redis", () => {
  it("a hash registered on one replica runs by hash alone on another", async () => {
    const query = "query ReplicaCheck { health }";
    const unknown = await post(replicaB, { extensions: persisted(sha(query)) });
    expect(unknown.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");

    expect((await post(h.app, { query, extensions: persisted(sha(query)) })).data).toEqual({ health: "ok" });
    expect(await post(replicaB, { extensions: persisted(sha(query)) })).toEqual({ data: { health: "ok" } });
    // Stored under the API's Redis prefix with an expiry, so registrations cannot fill Redis for good.
    const keys = await h.redis.keys(`${h.prefix}:apq:*`);
    expect(keys.length).toBe(1);
    const ttl = await h.redis.ttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(APQ_TTL_S);
  });

  it("refuses to store a query under another query's hash (cache poisoning)", async () => {
    const victim = "query Victim { health }";
    const poisoned = await post(h.app, { query: "query Other { me { role } }", extensions: persisted(sha(victim)) });
    expect(poisoned.data).toBeUndefined();
    expect(poisoned.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    // A caller's mistake: not logged as an unexpected error.
    expect(h.logLines.filter((l) => l.includes("unexpected error"))).toEqual([]);
    const later = await post(replicaB, { extensions: persisted(sha(victim)) });
    expect(later.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });
});
