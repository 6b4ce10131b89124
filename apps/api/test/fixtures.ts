import { basis, seedAsset, seedModel, seedSegments, seedTenant } from "@earshot/search/testing";
import type { Harness } from "./harness.ts";

export const DIM = 8;

/** Two tenants with users of every role, keys of every scope, assets with vectors, a collection and a batch each. */
export async function seedWorld(h: Harness) {
  const model = await seedModel(h.pool, DIM);
  const a = await seedTenant(h.pool, "alpha", model.id);
  const b = await seedTenant(h.pool, "beta", model.id);
  const stored = await h.storage.put(Buffer.from("RIFF....WAVEfmt fake audio bytes 0123456789"));
  const peaks = {
    version: 2,
    channels: 1,
    sample_rate: 16000,
    samples_per_pixel: 512,
    bits: 8,
    length: 2,
    data: [0, 1, -1, 2],
  };

  const rain = await seedAsset(h.pool, a.id, {
    title: "Heavy rain on a tin roof",
    tags: ["rain", "weather"],
    category: "ambience",
    licence: "CC-BY",
    durationS: 60,
    storageKey: stored.key,
    sizeBytes: stored.size,
    originalFilename: "rain roof.wav",
    peaks,
  });
  const dog = await seedAsset(h.pool, a.id, {
    title: "Dog barking",
    category: "animals",
    licence: "CC0",
    durationS: 5,
  });
  const frog = await seedAsset(h.pool, a.id, { title: "Frog croaks at night", description: "pond with light rain" });
  const pending = await seedAsset(h.pool, a.id, { title: "rain still processing", status: "processing" });
  await seedSegments(h.pool, a.id, rain, model.id, [
    { startS: 0, endS: 10, vector: basis(DIM, 1) },
    { startS: 10, endS: 20, vector: basis(DIM, 0, [[1, 0.2]]) },
  ]);
  await seedSegments(h.pool, a.id, dog, model.id, [{ startS: 0, endS: 5, vector: basis(DIM, 2) }]);
  await seedSegments(h.pool, a.id, frog, model.id, [{ startS: 0, endS: 10, vector: basis(DIM, 0, [[3, 0.5]]) }]);

  // Tenant beta: its asset is the nearest neighbour of everything alpha searches for, and titled "rain".
  const secret = await seedAsset(h.pool, b.id, {
    title: "SECRET beta rain recording",
    tags: ["rain"],
    storageKey: stored.key,
    peaks,
  });
  await seedSegments(h.pool, b.id, secret, model.id, [
    { startS: 0, endS: 10, vector: basis(DIM, 0) },
    { startS: 10, endS: 20, vector: basis(DIM, 1) },
  ]);
  const { rows: cb } = await h.pool.query<{ id: string }>(
    "INSERT INTO collections (tenant_id, name) VALUES ($1, 'beta private') RETURNING id",
    [b.id],
  );
  const { rows: bb } = await h.pool.query<{ id: string }>(
    "INSERT INTO upload_batches (tenant_id, source) VALUES ($1, 'beta batch') RETURNING id",
    [b.id],
  );

  const users = {
    admin: await h.user(a.id, "admin"),
    archivist: await h.user(a.id, "archivist"),
    viewer: await h.user(a.id, "viewer"),
    betaAdmin: await h.user(b.id, "admin"),
  };
  const keys = {
    search: await h.apiKey(a.id, ["search"]),
    ingest: await h.apiKey(a.id, ["ingest"]),
    admin: await h.apiKey(a.id, ["admin"]),
    beta: await h.apiKey(b.id, ["admin"]),
  };
  return {
    model,
    a,
    b,
    assets: { rain, dog, frog, pending, secret },
    beta: { collectionId: cb[0]?.id as string, batchId: bb[0]?.id as string, assetId: secret },
    users,
    keys,
    stored,
  };
}

export type World = Awaited<ReturnType<typeof seedWorld>>;
