// Content search end to end on the real stack: GraphQL -> the embedding service (real model bundle on
// onnxruntime) -> pgvector under row-level security -> response. Audio vectors come from real clips.
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { decodeAudio } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import { buildEmbedder } from "@earshot/embedder";
import { EmbedderClient } from "@earshot/embedder-client";
import { createLogger } from "@earshot/log";
import { loadModelBundle, type ModelBundle } from "@earshot/model";
import { seedAsset, seedSegments, seedTenant } from "@earshot/search/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTextVectorCache } from "../src/text-vectors.ts";
import { createHarness, type Harness } from "./harness.ts";

const DATA = path.join(repoRoot, "../shared/data/modsounds-dev/audio");
const CLIPS = ["bat_01.ogg", "bee.ogg", "balloon_inflate.ogg", "bat_02.ogg"];

let model: ModelBundle;
let embedder: FastifyInstance;
let client: EmbedderClient;
let h: Harness;
let tenantA: string;
let bearer: string;
const assetVectors = new Map<string, Float32Array[]>();
const assetIds: string[] = [];
let foreignAsset: string;
let mv: string;

beforeAll(async () => {
  model = await loadModelBundle(path.join(repoRoot, "models/default"));
  embedder = await buildEmbedder({
    model,
    decodeFile: (f) => decodeAudio(f),
    logger: createLogger("embedder-test", "silent"),
  });
  await embedder.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(embedder.server.address() as AddressInfo).port}`;
  client = new EmbedderClient(url, { retries: 0 });
  h = await createHarness({ embedderUrl: url });
  const { rows } = await h.pool.query<{ id: string }>(
    "INSERT INTO model_versions (name, version, dim, manifest) VALUES ($1, $2, $3, $4) RETURNING id",
    [model.name, model.version, model.dim, model.manifest],
  );
  mv = rows[0]?.id as string;
  await h.pool.query("SELECT earshot_ensure_segment_index($1)", [mv]);
  tenantA = (await seedTenant(h.pool, "alpha", mv)).id;
  const tenantB = (await seedTenant(h.pool, "beta", mv)).id;
  bearer = (await h.apiKey(tenantA, ["search"])).bearer;
  for (const [i, clip] of CLIPS.entries()) {
    const { segments } = await client.embedAudio(await decodeAudio(path.join(DATA, clip)));
    // No titles except one, so CONTENT results cannot come from metadata.
    const id = await seedAsset(h.pool, tenantA, {
      title: i === 0 ? "bat squeaks" : "",
      tags: i === 1 ? ["insect"] : [],
    });
    await seedSegments(h.pool, tenantA, id, mv, segments);
    assetIds.push(id);
    assetVectors.set(
      id,
      segments.map((s) => s.vector),
    );
    if (i === 0) {
      // Tenant beta holds an exact copy of clip 0: it must never surface for alpha.
      foreignAsset = await seedAsset(h.pool, tenantB, { title: "bat squeaks (beta)" });
      await seedSegments(h.pool, tenantB, foreignAsset, mv, segments);
    }
  }
}, 120_000);
afterAll(async () => {
  await h?.close();
  await embedder?.close();
  await model?.close();
});

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

type Hits = {
  searchAudio: {
    edges: Array<{
      node: { asset: { id: string }; score: number; segment: { startS: number } | null; foundBy: string[] };
    }>;
    model: { version: string };
  };
};

describe("content search through the embedder", () => {
  it("CONTENT ranks exactly as the CE inner product of the encoded query with each asset's best segment", async () => {
    const query = "a bat squeaking";
    const r = await h.gql<Hits>(
      { bearer },
      "query($q: String!) { searchAudio(query: $q, mode: CONTENT, first: 10) { edges { node { asset { id } score segment { startS endS } foundBy } } model { version } } }",
      { q: query },
    );
    expect(r.errors).toBeUndefined();
    const hits = r.data?.searchAudio.edges.map((e) => e.node) ?? [];
    expect(r.data?.searchAudio.model.version).toBe(model.version);
    const q = (await client.embedTexts([query])).vectors[0] as Float32Array;
    const expected = [...assetVectors.entries()]
      .map(([id, vs]) => ({ id, score: Math.max(...vs.map((v) => dot(q, v))) }))
      .sort((a, b) => b.score - a.score);
    expect(hits.map((x) => x.asset.id)).toEqual(expected.map((e) => e.id));
    hits.forEach((hit, i) => {
      expect(hit.score).toBeCloseTo(expected[i]?.score as number, 4);
      expect(hit.foundBy).toEqual(["CONTENT"]);
      expect(hit.segment).not.toBeNull();
    });
    expect(hits.map((x) => x.asset.id)).not.toContain(foreignAsset);
  });

  it("HYBRID fuses content and metadata (an asset found by both says so)", async () => {
    const r = await h.gql<Hits>(
      { bearer },
      '{ searchAudio(query: "bat squeaks", first: 10) { edges { node { asset { id } foundBy } } } }',
    );
    const hits = r.data?.searchAudio.edges.map((e) => e.node) ?? [];
    expect(hits).toHaveLength(CLIPS.length);
    const bat = hits.find((x) => x.asset.id === assetIds[0]);
    expect(bat?.foundBy).toEqual(["CONTENT", "METADATA"]);
    expect(hits[0]?.asset.id).toBe(assetIds[0]);
  });

  it("suggestTags ranks the vocabulary and the tenant's own tags by audio-to-text similarity", async () => {
    type Page = {
      suggestTags: {
        edges: Array<{ node: { text: string; score: number; source: string } }>;
        pageInfo: { endCursor: string; hasNextPage: boolean };
      };
    };
    const s: Array<{ text: string; score: number; source: string }> = [];
    let after: string | null = null;
    do {
      const r: Awaited<ReturnType<typeof h.gql<Page>>> = await h.gql<Page>(
        { bearer },
        "query($id: ID!, $after: String) { suggestTags(assetId: $id, first: 50, after: $after) { edges { node { text score source } } pageInfo { endCursor hasNextPage } } }",
        { id: assetIds[1], after },
      );
      const page = r.data?.suggestTags;
      s.push(...(page?.edges.map((e) => e.node) ?? []));
      after = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(s.length).toBeGreaterThan(10);
    expect(s.map((x) => x.score)).toEqual([...s.map((x) => x.score)].sort((a, b) => b - a));
    expect(s.find((x) => x.text === "insect")?.source).toBe("TENANT_TAG");
    expect(s.find((x) => x.text === "rain")?.source).toBe("VOCABULARY");
    expect(JSON.stringify(s)).not.toContain("beta");
  });

  it("query by an uploaded example clip finds that recording first", async () => {
    const clip = await readFile(path.join(DATA, CLIPS[2] as string));
    const boundary = "----earshotexample";
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="c.ogg"\r\ncontent-type: audio/ogg\r\n\r\n`,
      ),
      clip,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const up = await h.app.inject({
      method: "POST",
      url: "/v1/examples",
      headers: { authorization: `Bearer ${bearer}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(up.statusCode).toBe(201);
    const { exampleId } = up.json();
    const r = await h.gql<{ searchByExample: { edges: Array<{ node: { asset: { id: string } } }> } }>(
      { bearer },
      "query($id: ID!) { searchByExample(exampleId: $id) { edges { node { asset { id } } } } }",
      { id: exampleId },
    );
    expect(r.data?.searchByExample.edges[0]?.node.asset.id).toBe(assetIds[2]);
  });
});

describe("suggestTags with many tags (issue #18)", () => {
  // Encoding hundreds of tags takes seconds on a busy 2-core machine: the API's own client, not the harness's 2 s one.
  let harnessClient: Harness["deps"]["embedder"];
  beforeAll(() => {
    harnessClient = h.deps.embedder;
    h.deps.embedder = client;
  });
  afterAll(() => {
    h.deps.embedder = harnessClient;
  });
  type Suggestions = { suggestTags: { edges: Array<{ node: { text: string; score: number; source: string } }> } };
  const SUGGEST = "query($id: ID!) { suggestTags(assetId: $id, first: 5) { edges { node { text score source } } } }";

  async function tenantWithTags(slug: string, tags: string[]) {
    const tenant = (await seedTenant(h.pool, slug, mv)).id;
    const clip = (await client.embedAudio(await decodeAudio(path.join(DATA, CLIPS[1] as string)))).segments;
    const asset = await seedAsset(h.pool, tenant, { tags });
    await seedSegments(h.pool, tenant, asset, mv, clip);
    return { asset, bearer: (await h.apiKey(tenant, ["search"])).bearer };
  }

  it("a tenant with more distinct tags than one embedder request holds still gets suggestions", async () => {
    // 112 vocabulary terms + 500 tenant tags: over the embedder's 512 texts per request.
    const tags = Array.from({ length: 600 }, (_, i) => `field recording ${i}`);
    const t = await tenantWithTags("many-tags", tags);
    const r = await h.gql<Suggestions>({ bearer: t.bearer }, SUGGEST, { id: t.asset });
    expect(r.errors).toBeUndefined();
    expect(r.data?.suggestTags.edges).toHaveLength(5);
  }, 120_000);

  it("the text-vector cache stays under its byte bound however many distinct tags pass through it", async () => {
    const bound = 256 * 1024; // ~40 vectors of 1536 dims
    const cache = createTextVectorCache(bound);
    h.deps.textVectors = cache;
    try {
      const t = await tenantWithTags("rotating-tags", []);
      for (let round = 0; round < 3; round++) {
        const tags = Array.from({ length: 150 }, (_, i) => `round ${round} tag ${i}`);
        await h.pool.query("UPDATE audio_assets SET tags = $2 WHERE id = $1", [t.asset, tags]);
        const r = await h.gql<Suggestions>({ bearer: t.bearer }, SUGGEST, { id: t.asset });
        expect(r.errors).toBeUndefined();
        // Still exact when the cache cannot hold every candidate: the same as with a fresh, roomy cache.
        h.deps.textVectors = createTextVectorCache();
        const reference = await h.gql<Suggestions>({ bearer: t.bearer }, SUGGEST, { id: t.asset });
        h.deps.textVectors = cache;
        expect(r.data).toEqual(reference.data);
        expect(cache.calculatedSize).toBeGreaterThan(0);
        expect(cache.calculatedSize).toBeLessThanOrEqual(bound);
      }
    } finally {
      h.deps.textVectors = undefined;
    }
  }, 120_000);
});
