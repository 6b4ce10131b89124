import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetQueryVector, fuse, SearchError, searchAudio, searchByVector } from "../src/index.ts";
import { basis, seedAsset, seedModel, seedSegments, seedTenant } from "../src/testing.ts";

const noEmbedder = {
  embedTexts: async () => {
    throw new Error("the embedder must not be called for METADATA searches");
  },
};

describe("search (real Postgres + pgvector, RLS)", () => {
  let db: TestDatabase;
  // The code under test logs in as the worker's role (under row-level security); fixtures are written as the owner.
  let pool: Pool;
  let owner: Pool;
  let a: string;
  let b: string;
  let bare: string;
  const assets = {} as Record<"rain" | "dog" | "frog" | "otherRain", string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    owner = createPool(db.ownerUrl);
    const model = await seedModel(owner, 8);
    a = (await seedTenant(owner, "alpha", model.id)).id;
    b = (await seedTenant(owner, "beta", model.id)).id;
    bare = (await seedTenant(owner, "bare")).id;
    assets.rain = await seedAsset(owner, a, {
      title: "Heavy rain on a tin roof",
      tags: ["rain", "weather"],
      durationS: 60,
    });
    assets.dog = await seedAsset(owner, a, { title: "Dog barking", category: "animals", durationS: 5, licence: "CC0" });
    assets.frog = await seedAsset(owner, a, { title: "Frog croaks at night", description: "pond ambience with rain" });
    assets.otherRain = await seedAsset(owner, b, { title: "Rain (tenant beta)", tags: ["rain"] });
    await seedSegments(owner, a, assets.rain, model.id, [
      { startS: 0, endS: 10, vector: basis(8, 1) },
      { startS: 10, endS: 20, vector: basis(8, 0, [[1, 0.2]]) },
    ]);
    await seedSegments(owner, a, assets.dog, model.id, [{ startS: 0, endS: 5, vector: basis(8, 2) }]);
    await seedSegments(owner, a, assets.frog, model.id, [{ startS: 0, endS: 10, vector: basis(8, 0, [[3, 0.5]]) }]);
    // Tenant beta's segment is the exact match for the query: it must still never show up for alpha.
    await seedSegments(owner, b, assets.otherRain, model.id, [{ startS: 0, endS: 10, vector: basis(8, 0) }]);
  });
  afterAll(async () => {
    await pool.end();
    await owner.end();
    await db.drop();
  });

  it("ranks by content with the best segment per asset, only within the tenant", async () => {
    const page = await searchByVector({ pool }, a, { vector: basis(8, 0), first: 10 });
    expect(page.hits.map((h) => h.asset.id)).toEqual([assets.rain, assets.frog, assets.dog]);
    expect(page.hits[0]?.segment).toEqual({ startS: 10, endS: 20 });
    expect(page.hits[0]?.foundBy).toEqual(["CONTENT"]);
    const pageB = await searchByVector({ pool }, b, { vector: basis(8, 0), first: 10 });
    expect(pageB.hits.map((h) => h.asset.id)).toEqual([assets.otherRain]);
  });

  it("gives the same answer through the HNSW index as through an exact scan", async () => {
    const viaIndex = await searchByVector({ pool }, a, { vector: basis(8, 0) });
    const exact = await searchByVector({ pool, vector: { exact: true } }, a, { vector: basis(8, 0) });
    expect(viaIndex.hits.map((h) => [h.asset.id, h.segment])).toEqual(exact.hits.map((h) => [h.asset.id, h.segment]));
    const filtered = await searchByVector({ pool, vector: { exact: true } }, a, {
      vector: basis(8, 0),
      filter: { tags: ["rain"] },
    });
    expect(filtered.hits.map((h) => h.asset.id)).toEqual([assets.rain]);
  });

  it("paginates with cursors", async () => {
    const p1 = await searchByVector({ pool }, a, { vector: basis(8, 0), first: 2 });
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = await searchByVector({ pool }, a, { vector: basis(8, 0), first: 2, after: p1.pageInfo.endCursor });
    expect(p2.hits.map((h) => h.asset.id)).toEqual([assets.dog]);
    expect(p2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("applies filters inside the vector scan", async () => {
    const p = await searchByVector({ pool }, a, {
      vector: basis(8, 0),
      filter: { maxDurationS: 30, licences: ["CC0"] },
    });
    expect(p.hits.map((h) => h.asset.id)).toEqual([assets.dog]);
    const t = await searchByVector({ pool }, a, { vector: basis(8, 0), filter: { tags: ["rain"] } });
    expect(t.hits.map((h) => h.asset.id)).toEqual([assets.rain]);
  });

  it("finds by metadata full-text, ranked, tenant-isolated", async () => {
    const p = await searchAudio({ pool, embedder: noEmbedder }, a, { query: "rain", mode: "METADATA" });
    expect(p.hits.map((h) => h.asset.id)).toEqual([assets.rain, assets.frog]);
    expect(p.hits.every((h) => h.segment === null && h.foundBy.join() === "METADATA")).toBe(true);
  });

  it("HYBRID falls back to metadata for a tenant without a model; CONTENT says why it cannot", async () => {
    await seedAsset(owner, bare, { title: "rain" });
    const p = await searchAudio({ pool, embedder: noEmbedder }, bare, { query: "rain" });
    expect(p.hits).toHaveLength(1);
    expect(p.model).toBeNull();
    await expect(
      searchAudio({ pool, embedder: noEmbedder }, bare, { query: "rain", mode: "CONTENT" }),
    ).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });

  it("rejects bad input with specific errors", async () => {
    const deps = { pool, embedder: noEmbedder };
    await expect(searchAudio(deps, a, { query: " " })).rejects.toThrow(/empty/);
    await expect(searchAudio(deps, a, { query: "x".repeat(1001) })).rejects.toThrow(/1000/);
    await expect(searchAudio(deps, a, { query: "x", first: 101 })).rejects.toThrow(/first/);
    await expect(searchAudio(deps, a, { query: "x", after: "nonsense" })).rejects.toBeInstanceOf(SearchError);
    await expect(searchAudio(deps, a, { query: "x", filter: { collectionId: "1" } })).rejects.toThrow(/UUID/);
  });

  it("builds query vectors from an asset, never from another tenant's", async () => {
    const v = await assetQueryVector(pool, a, assets.rain, 12);
    expect(v[0]).toBeGreaterThan(0.9);
    await expect(assetQueryVector(pool, a, assets.otherRain)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("fuses rankings by reciprocal rank", () => {
    const seg = { startS: 0, endS: 1 };
    const f = fuse(
      [
        { assetId: "x", score: 0.9, segment: seg },
        { assetId: "y", score: 0.8, segment: seg },
      ],
      [
        { assetId: "y", score: 1, segment: null },
        { assetId: "z", score: 0.5, segment: null },
      ],
    );
    expect(f.map((h) => h.assetId)).toEqual(["y", "x", "z"]);
    expect(f[0]?.foundBy).toEqual(["CONTENT", "METADATA"]);
  });
});
