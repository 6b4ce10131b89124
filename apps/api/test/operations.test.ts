// Operating the API: /readyz over the real database, Redis and embedding service, per-operation metrics in the
// Prometheus registry, and the documented error shape for unknown routes.
import type { AddressInfo } from "node:net";
import path from "node:path";
import { decodeAudio } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import { createPool } from "@earshot/db";
import { buildEmbedder, type EmbeddingModel } from "@earshot/embedder";
import { EmbedderClient } from "@earshot/embedder-client";
import { createLogger } from "@earshot/log";
import { loadModelBundle } from "@earshot/model";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_OPERATION_NAMES } from "../src/operation-metrics.ts";
import { createHarness, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const readyz = async () => {
  const res = await h.app.inject({ method: "GET", url: "/readyz" });
  return { status: res.statusCode, body: res.json() as { status: string; failed: string[] } };
};

describe("/readyz", () => {
  let embedder: FastifyInstance | undefined;
  afterAll(async () => {
    await embedder?.close();
  });

  it("is 503 naming each dependency that is down, 200 once all answer", async () => {
    // An embedding service that is up but still loading its model: not ready.
    let loaded: (m: EmbeddingModel) => void = () => {};
    embedder = await buildEmbedder({
      model: new Promise<EmbeddingModel>((resolve) => {
        loaded = resolve;
      }),
      decodeFile: (f) => decodeAudio(f),
      logger: createLogger("embedder-test", "silent"),
    });
    await embedder.listen({ host: "127.0.0.1", port: 0 });
    const realEmbedder = h.deps.embedder;
    h.deps.embedder = new EmbedderClient(`http://127.0.0.1:${(embedder.server.address() as AddressInfo).port}`, {
      retries: 0,
    });
    try {
      expect(await readyz()).toEqual({
        status: 503,
        body: expect.objectContaining({ status: "unavailable", failed: ["embedder"] }),
      });
      loaded(await loadModelBundle(path.join(repoRoot, "models/default")));
      expect(await readyz()).toEqual({ status: 200, body: expect.objectContaining({ status: "ok", failed: [] }) });

      // Redis and the database unreachable (nothing listens on port 9): each is named.
      const realRedis = h.deps.redis;
      const realPool = h.deps.pool;
      const deadRedis = new Redis({ port: 9, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      const deadPool = createPool("postgres://nobody@127.0.0.1:9/none");
      deadRedis.on("error", () => {}); // refused connections are the point here
      h.deps.redis = deadRedis;
      h.deps.pool = deadPool;
      try {
        const r = await readyz();
        expect(r.status).toBe(503);
        expect(r.body.failed).toEqual(["database", "redis"]);
      } finally {
        h.deps.redis = realRedis;
        h.deps.pool = realPool;
        deadRedis.disconnect();
        await deadPool.end();
      }
      expect((await readyz()).status).toBe(200);
    } finally {
      h.deps.embedder = realEmbedder;
    }
  });
});

describe("per-operation metrics", () => {
  const metric = async (name: string, labels: string) => {
    const text = await h.app.metricsRegistry.metrics();
    const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(" ").pop()) : 0;
  };

  it("records latency by operation name and type, and errors by operation and code", async () => {
    const before = await metric("graphql_operation_duration_seconds_count", 'operation="PartnerHealth",type="query"');
    await h.gql(null, "query PartnerHealth { health }");
    await h.gql(null, "query PartnerHealth { health }");
    expect(await metric("graphql_operation_duration_seconds_count", 'operation="PartnerHealth",type="query"')).toBe(
      before + 2,
    );

    await h.gql(null, "query PartnerTenant { tenant { id } }");
    expect(await metric("graphql_operation_errors_total", 'operation="PartnerTenant",code="UNAUTHENTICATED"')).toBe(1);
    await h.gql(null, "query Broken { nosuchfield }");
    expect(await metric("graphql_operation_errors_total", 'code="GRAPHQL_VALIDATION_FAILED"')).toBeGreaterThan(0);
    // Requests still count on the API port's routes, and the registry is not served there.
    expect((await h.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(404);
  });

  it("bounds the operation label: callers cannot grow the registry without limit with fresh names", async () => {
    for (let i = 0; i < MAX_OPERATION_NAMES + 20; i++) await h.gql(null, `query Flood${i} { health }`);
    const text = await h.app.metricsRegistry.metrics();
    const names = new Set(
      [...text.matchAll(/^graphql_operation_duration_seconds_count\{.*operation="([^"]+)"/gm)].map((m) => m[1]),
    );
    expect(names.size).toBeLessThanOrEqual(MAX_OPERATION_NAMES + 3);
    expect(names).toContain("other");
  });
});

describe("unknown routes", () => {
  it("answer 404 with the documented {error:{code,message}} shape", async () => {
    for (const [method, url] of [
      ["GET", "/nope"],
      ["POST", "/v1/nothing-here?x=1"],
      ["PUT", "/graphql"],
    ] as const) {
      const res = await h.app.inject({ method, url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual({
        error: { code: "NOT_FOUND", message: expect.stringContaining("no such route") },
      });
    }
  });
});
