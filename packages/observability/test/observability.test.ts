import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { Queue } from "bullmq";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  basicAuth,
  createMetricsRegistry,
  currentRequestId,
  fetchWithRequestId,
  observability,
  REQUEST_ID_HEADER,
  registerBullBoard,
  registerQueueMetrics,
  runWithRequestId,
  startMetricsServer,
} from "../src/index.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A pino logger whose JSON lines land in `lines`. */
function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split("\n")) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

/** The value of the sample `name` whose labels include `labels` (order-insensitive), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe("fastify observability plugin", () => {
  let downstream: Server;
  let downstreamUrl: string;
  const seenHeaders: IncomingHttpHeaders[] = [];
  let app: FastifyInstance;
  let baseUrl: string;
  const { logger, lines } = captureLogger();

  beforeAll(async () => {
    // A second "service" that records the headers it receives.
    downstream = createServer((req, res) => {
      seenHeaders.push(req.headers);
      res.end("ok");
    }).listen(0, "127.0.0.1");
    await once(downstream, "listening");
    downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/`;

    app = Fastify({ loggerInstance: logger }) as unknown as FastifyInstance;
    await app.register(observability, { service: "test-api" });
    app.get("/items/:id", async (request) => {
      request.log.info("handling item");
      await new Promise((r) => setTimeout(r, 5));
      const res = await fetchWithRequestId(downstreamUrl);
      return { requestId: currentRequestId(), downstream: await res.text() };
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    downstream.close();
  });

  it("accepts an incoming x-request-id, echoes it, logs it and forwards it", async () => {
    const id = `req-${randomUUID()}`;
    const res = await fetch(`${baseUrl}/items/7`, { headers: { [REQUEST_ID_HEADER]: id } });
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe(id);
    expect(await res.json()).toEqual({ requestId: id, downstream: "ok" });
    expect(seenHeaders.at(-1)?.[REQUEST_ID_HEADER]).toBe(id);
    const mine = lines.filter((l) => l.requestId === id).map((l) => l.msg);
    expect(mine).toContain("handling item");
    expect(mine).toContain("request completed");
  });

  it("generates an id when the header is missing or unsafe", async () => {
    const cases: Record<string, string>[] = [
      {},
      { [REQUEST_ID_HEADER]: 'bad id {"json": 1}' },
      { [REQUEST_ID_HEADER]: "x".repeat(200) },
    ];
    for (const headers of cases) {
      const res = await fetch(`${baseUrl}/items/1`, { headers });
      const id = res.headers.get(REQUEST_ID_HEADER);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
    }
  });

  it("exposes Prometheus metrics with request durations by route pattern", async () => {
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const labels = { service: "test-api", method: "GET", route: "/items/:id", status_code: "200" };
    expect(sample(text, "http_request_duration_seconds_count", labels)).toBeGreaterThan(0);
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(text).not.toContain('route="/metrics"');
  });

  it("labels unknown URLs as unmatched instead of one series per URL", async () => {
    await fetch(`${baseUrl}/nope/${randomUUID()}`);
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(sample(text, "http_request_duration_seconds_count", { route: "unmatched", status_code: "404" })).toBe(1);
  });
});

describe("request id outside HTTP", () => {
  it("runWithRequestId makes an id current for async work and validates it", async () => {
    expect(currentRequestId()).toBeUndefined();
    const seen = await runWithRequestId("job-42", async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentRequestId();
    });
    expect(seen).toBe("job-42");
    expect(runWithRequestId(undefined, () => currentRequestId())).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("metrics server and queue metrics", () => {
  const prefix = `obs-test-${randomUUID()}`;
  let queue: Queue;

  beforeAll(async () => {
    queue = new Queue("ingest", { connection: { url: REDIS_URL }, prefix });
    await queue.add("a", { n: 1 });
    await queue.add("b", { n: 2 }, { delay: 60_000 });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it("serves /metrics with BullMQ job counts and /healthz from the health probe", async () => {
    const registry = createMetricsRegistry("test-worker");
    registerQueueMetrics(registry, [queue]);
    let healthy = true;
    const server = await startMetricsServer({ registry, port: 0, health: () => healthy });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      const labels = { service: "test-worker", queue: "ingest" };
      expect(sample(text, "bullmq_jobs", { ...labels, state: "waiting" })).toBe(1);
      expect(sample(text, "bullmq_jobs", { ...labels, state: "delayed" })).toBe(1);
      expect(sample(text, "bullmq_jobs", { ...labels, state: "failed" })).toBe(0);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("mounts the bull-board dashboard behind the caller's admin check", async () => {
    const app = Fastify() as unknown as FastifyInstance;
    await registerBullBoard(app, {
      queues: [queue],
      basePath: "/admin/queues",
      authorize: (request) => request.headers.authorization === "Bearer admin",
    });
    app.get("/public", async () => "public");
    await app.ready();
    try {
      const denied = await app.inject({ url: "/admin/queues" });
      expect(denied.statusCode).toBe(401);
      expect(denied.json().error.code).toBe("UNAUTHENTICATED");
      expect((await app.inject({ url: "/admin/queues/api/queues" })).statusCode).toBe(401);
      // The guard covers only the dashboard.
      expect((await app.inject({ url: "/public" })).statusCode).toBe(200);

      const auth = { authorization: "Bearer admin" };
      const page = await app.inject({ url: "/admin/queues", headers: auth });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain("Earshot queues");
      const api = await app.inject({ url: "/admin/queues/api/queues", headers: auth });
      expect(api.statusCode).toBe(200);
      expect(JSON.stringify(api.json())).toContain('"name":"ingest"');
    } finally {
      await app.close();
    }
  });

  it("basicAuth challenges the browser and accepts only the configured credentials", async () => {
    const app = Fastify() as unknown as FastifyInstance;
    await registerBullBoard(app, { queues: [queue], authorize: basicAuth("ops", "a-long-operator-password") });
    await app.ready();
    const basic = (s: string) => ({ authorization: `Basic ${Buffer.from(s).toString("base64")}` });
    try {
      const none = await app.inject({ url: "/admin/queues" });
      expect(none.statusCode).toBe(401);
      expect(none.headers["www-authenticate"]).toMatch(/^Basic realm=/);
      for (const wrong of ["ops:wrong", "other:a-long-operator-password", "ops", ":a-long-operator-password"]) {
        expect((await app.inject({ url: "/admin/queues", headers: basic(wrong) })).statusCode).toBe(401);
      }
      const ok = await app.inject({ url: "/admin/queues/api/queues", headers: basic("ops:a-long-operator-password") });
      expect(ok.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
