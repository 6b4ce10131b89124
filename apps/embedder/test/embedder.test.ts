import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { decodeAudio } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import { EmbedderClient, EmbedderError, EmbedderUnavailableError } from "@earshot/embedder-client";
import { createLogger } from "@earshot/log";
import { loadModelBundle, type ModelBundle } from "@earshot/model";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEmbedder } from "../src/server.ts";

const CLIP = path.join(repoRoot, "../shared/data/modsounds-dev/audio/bat_01.ogg");
const logger = createLogger("embedder-test", "silent");

describe("embedding service", () => {
  let model: ModelBundle;
  let app: FastifyInstance;
  let client: EmbedderClient;
  let pcm: Float32Array;
  let baseUrl: string;

  beforeAll(async () => {
    model = await loadModelBundle(path.join(repoRoot, "models/default"));
    // A long wait so concurrent requests in the test surely meet in one batch.
    app = await buildEmbedder({
      model,
      decodeFile: (f) => decodeAudio(f),
      logger,
      options: { maxBatch: 64, maxWaitMs: 100, maxQueue: 8 },
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    client = new EmbedderClient(baseUrl, { retries: 0 });
    pcm = await decodeAudio(CLIP);
  });
  afterAll(async () => {
    await app.close();
    await model.close();
  });

  it("is ready with the model's name and version", async () => {
    const res = await app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-earshot-model"]).toBe(`${model.name}@${model.version}`);
    expect(res.json().model).toEqual({ name: model.name, version: model.version, dim: model.dim });
    const info = await client.model();
    expect(info).toMatchObject({ name: model.name, version: model.version, experts: model.expertNames });
  });

  it("embeds texts: one vector of the model's dim and one weight per expert each", async () => {
    const out = await client.embedTexts(["a dog barks", "rain on a tin roof"]);
    expect(out.model).toEqual({ name: model.name, version: model.version, dim: model.dim });
    expect(out.vectors).toHaveLength(2);
    expect(out.vectors[0]).toHaveLength(model.dim);
    expect(out.weights[0]).toHaveLength(model.expertNames.length);
    const direct = await model.encodeTexts(["rain on a tin roof"]);
    expect(Array.from(out.vectors[1]!)).toEqual(Array.from(direct.vectors[0]!));
  });

  it("batches concurrent requests into one model call", async () => {
    const before = await batchCount();
    const texts = ["birds", "a door slams", "wind", "applause", "a car passes", "a bell rings"];
    const outs = await Promise.all(texts.map((t) => client.embedTexts([t])));
    expect(outs.map((o) => o.vectors.length)).toEqual([1, 1, 1, 1, 1, 1]);
    const after = await batchCount();
    expect(after.batches - before.batches).toBeLessThan(texts.length);
    expect(after.items - before.items).toBe(texts.length);
  });

  it("answers 429 OVERLOADED when the queue is full", async () => {
    const tooMany = Array.from({ length: 9 }, (_, i) => `text ${i}`);
    const res = await app.inject({ method: "POST", url: "/v1/embed/text", payload: { texts: tooMany } });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe("OVERLOADED");
    // Concurrent requests beyond the queue: some are turned away, the rest answered.
    const codes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        app.inject({ method: "POST", url: "/v1/embed/text", payload: { texts: [`q${i}`] } }).then((r) => r.statusCode),
      ),
    );
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThan(0);
    const err = await new EmbedderClient(baseUrl, { retries: 0 }).embedTexts(tooMany).catch((e) => e);
    expect(err).toBeInstanceOf(EmbedderUnavailableError);
    expect(err.code).toBe("OVERLOADED");
  });

  it("embeds raw PCM and uploaded files into segments with times", async () => {
    const raw = await client.embedAudio(pcm);
    expect(raw.segments.length).toBeGreaterThan(0);
    expect(raw.segments[0]).toMatchObject({ startS: 0 });
    expect(raw.segments[0]!.vector).toHaveLength(model.dim);

    const form = new FormData();
    form.append("file", new Blob([await readFile(CLIP)]), "bat_01.ogg");
    const res = await fetch(`${baseUrl}/v1/embed/audio`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { segments: Array<{ vector: number[] }> };
    expect(body.segments).toHaveLength(raw.segments.length);
  });

  it("rejects bad bodies with 400 and a code", async () => {
    const odd = await app.inject({
      method: "POST",
      url: "/v1/embed/audio",
      headers: { "content-type": "application/octet-stream" },
      payload: Buffer.alloc(6),
    });
    expect(odd.statusCode).toBe(400);
    expect(odd.json().error.code).toBe("BAD_INPUT");
    const noTexts = await app.inject({ method: "POST", url: "/v1/embed/text", payload: { texts: [] } });
    expect(noTexts.json().error.code).toBe("BAD_INPUT");

    const form = new FormData();
    form.append("file", new Blob([Buffer.from("this is not audio at all")]), "notes.txt");
    const res = await fetch(`${baseUrl}/v1/embed/audio`, { method: "POST", body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_AUDIO");
    await expect(client.embedAudio(new Float32Array([Number.NaN]))).rejects.toBeInstanceOf(EmbedderError);
  });

  it("exposes Prometheus metrics", async () => {
    const text = (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(text).toMatch(/embedder_requests_total\{route="\/v1\/embed\/text",status="200"\} \d+/);
    expect(text).toMatch(/embedder_batch_size_bucket/);
    expect(text).toMatch(/embedder_queue_depth\{lane="text"\} 0/);
    expect(text).toContain(`embedder_model_info{name="${model.name}",version="${model.version}"`);
  });

  it("reports an unreachable service as EmbedderUnavailableError", async () => {
    const err = await new EmbedderClient("http://127.0.0.1:1", { retries: 1, backoffMs: 1 })
      .embedTexts(["x"])
      .catch((e) => e);
    expect(err).toBeInstanceOf(EmbedderUnavailableError);
    expect(err.message).toMatch(/unreachable/);
  });

  async function batchCount(): Promise<{ batches: number; items: number }> {
    const text = (await app.inject({ method: "GET", url: "/metrics" })).body;
    const count = Number(/embedder_batch_size_count\{lane="text"\} (\d+)/.exec(text)?.[1] ?? 0);
    const sum = Number(/embedder_batch_size_sum\{lane="text"\} (\d+)/.exec(text)?.[1] ?? 0);
    return { batches: count, items: sum };
  }
});
