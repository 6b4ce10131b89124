import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPool,
  createPrisma,
  migrate,
  migrationsDir,
  type Pool,
  provisionLoginRole,
  readMigrations,
  startEmbeddedDatabase,
  toVectorLiteral,
  withTenant,
  withTransaction,
} from "../src/index.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

async function seedModel(pool: Pool, dim: number) {
  const { rows } = await pool.query<{ id: string }>(
    "INSERT INTO model_versions (name, version, dim) VALUES ('test', $1, $2) RETURNING id",
    [`v${Math.random()}`, dim],
  );
  const id = rows[0]!.id;
  await pool.query("SELECT earshot_ensure_segment_index($1)", [id]);
  return id;
}

async function seedTenant(pool: Pool, slug: string) {
  const { rows } = await pool.query<{ id: string }>("INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id", [
    slug,
  ]);
  return rows[0]!.id;
}

async function insertAsset(pool: Pool, tenantId: string, sha: string) {
  return withTenant(pool, tenantId, async (c) => {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO audio_assets (tenant_id, storage_key, sha256, original_filename, mime, title, tags)
       VALUES ($1, $2, $2, 'a.wav', 'audio/wav', 'Rain on a tin roof', ARRAY['rain','roof']) RETURNING id`,
      [tenantId, sha],
    );
    return rows[0]!.id;
  });
}

describe("Postgres with pgvector", () => {
  let db: TestDatabase;
  // The owner migrates; the worker's login (earshot_internal, under row-level security) does the tenant work.
  let pool: Pool;
  let worker: Pool;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    pool = createPool(db.ownerUrl);
    worker = createPool(db.url);
  });
  afterAll(async () => {
    await pool.end();
    await worker.end();
    await db.drop();
  });

  it("applies every migration from zero, then nothing on a second run", async () => {
    const client = await pool.connect();
    try {
      const first = await migrate(client);
      expect(first).toEqual((await readMigrations()).map((m) => m.name));
      expect(await migrate(client)).toEqual([]);
      await provisionLoginRole(client, db.url, "earshot_internal");
      const { rows } = await client.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'");
      expect(rows[0].extversion).toBe("0.8.0");
    } finally {
      client.release();
    }
  });

  it("refuses to run when an applied migration was edited", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "earshot-mig-"));
    try {
      await cp(migrationsDir, dir, { recursive: true });
      const [first] = await readMigrations(dir);
      await writeFile(path.join(dir, first!.name, "migration.sql"), `${first!.sql}\n-- edited\n`);
      const client = await pool.connect();
      try {
        await expect(migrate(client, dir)).rejects.toThrow(/was edited after it was applied/);
      } finally {
        client.release();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("round-trips a vector and finds nearest rows through the HNSW index", async () => {
    const model = await seedModel(pool, 4);
    const tenant = await seedTenant(pool, "vectors");
    const asset = await insertAsset(pool, tenant, "sha-vectors");
    const vectors = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0.9, 0.1, 0, 0],
      [0, 0, 0, 1],
    ];
    for (const [i, v] of vectors.entries()) {
      await pool.query(
        `INSERT INTO segments (tenant_id, asset_id, model_version_id, start_s, end_s, embedding)
         VALUES ($1, $2, $3, $4::float8, $4::float8 + 1, $5)`,
        [tenant, asset, model, i, toVectorLiteral(v)],
      );
    }
    const stored = await pool.query("SELECT embedding::text AS e FROM segments WHERE start_s = 2");
    expect(stored.rows[0].e).toBe("[0.9,0.1,0,0]");

    const query = `SELECT start_s FROM segments WHERE model_version_id = $1
                   ORDER BY (embedding::vector(4)) <#> $2::vector(4) LIMIT 2`;
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL enable_seqscan = off");
      const plan = await client.query(`EXPLAIN ${query}`, [model, "[1,0,0,0]"]);
      expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/segments_hnsw_/);
      const { rows } = await client.query(query, [model, "[1,0,0,0]"]);
      expect(rows.map((r) => r.start_s)).toEqual([0, 2]);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
  });

  it("isolates tenants by row-level security", async () => {
    const a = await seedTenant(worker, "tenant-a");
    const b = await seedTenant(worker, "tenant-b");
    const assetA = await insertAsset(worker, a, "sha-a");
    const seenByA = await withTenant(worker, a, (c) => c.query("SELECT id FROM audio_assets"));
    expect(seenByA.rows.map((r) => r.id)).toEqual([assetA]);
    const seenByB = await withTenant(worker, b, (c) => c.query("SELECT id FROM audio_assets WHERE id = $1", [assetA]));
    expect(seenByB.rows).toEqual([]);
    // Writing into another tenant is refused by the policy, not by application code.
    await expect(
      withTenant(worker, b, (c) =>
        c.query(
          "INSERT INTO audio_assets (tenant_id, storage_key, sha256, original_filename, mime) VALUES ($1,'k','x','f','m')",
          [a],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const fts = await withTenant(worker, a, (c) =>
      c.query("SELECT id FROM audio_assets WHERE search_document @@ websearch_to_tsquery('english', 'rain roof')"),
    );
    expect(fts.rows).toHaveLength(1);
  });

  it("reads through the Prisma client with the pg adapter", async () => {
    const prisma = createPrisma(pool);
    const tenant = await prisma.tenant.create({ data: { slug: "prisma-check", name: "Prisma check" } });
    const found = await prisma.tenant.findUnique({ where: { slug: "prisma-check" } });
    expect(found?.id).toBe(tenant.id);
  });
});

describe("embedded PGlite database", () => {
  it("starts, migrates with the same files and answers the same vector query", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "earshot-pglite-"));
    const embedded = await startEmbeddedDatabase(dir, 0);
    const pool = createPool(embedded.url, 2);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
      const model = await seedModel(pool, 4);
      const tenant = await seedTenant(pool, "embedded");
      const asset = await insertAsset(pool, tenant, "sha-e");
      for (const [i, v] of [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
      ].entries()) {
        await pool.query(
          `INSERT INTO segments (tenant_id, asset_id, model_version_id, start_s, end_s, embedding)
           VALUES ($1, $2, $3, $4::float8, $4::float8 + 1, $5)`,
          [tenant, asset, model, i, toVectorLiteral(v)],
        );
      }
      const { rows } = await pool.query(
        `SELECT start_s FROM segments WHERE model_version_id = $1
         ORDER BY (embedding::vector(4)) <#> $2::vector(4) LIMIT 1`,
        [model, "[0,1,0,0]"],
      );
      expect(rows[0].start_s).toBe(1);
      const isolated = await withTenant(pool, tenant, (c) => c.query("SELECT count(*)::int AS n FROM audio_assets"));
      expect(isolated.rows[0].n).toBe(1);
      // The embedded login is a superuser (weaker: see docs/deploy.md), but a hand-set tenant setting still opens
      // nothing for the application role.
      const forged = withTransaction(pool, async (c) => {
        await c.query("SET LOCAL ROLE earshot_app");
        await c.query("SELECT set_config('earshot.tenant_id', $1, true)", [tenant]);
        return c.query("SELECT count(*)::int AS n FROM audio_assets");
      });
      await expect(forged).rejects.toThrow(/not set by earshot_enter_tenant/);
    } finally {
      await pool.end();
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("serves concurrent clients' parameterised queries and transactions, and a failed query hangs nothing", async () => {
    // Several processes (API, worker, CLI) share the embedded server; their Parse/Bind/Execute/Sync sequences used
    // to interleave ("unnamed prepared statement does not exist") and the first failure stopped the server's queue.
    const dir = await mkdtemp(path.join(os.tmpdir(), "earshot-pglite-"));
    const embedded = await startEmbeddedDatabase(dir, 0);
    const pools = [createPool(embedded.url, 4), createPool(embedded.url, 4)];
    try {
      const bad = pools[0]!.query("SELECT $1::int AS n", ["not a number"]);
      await expect(bad).rejects.toThrow(/invalid input syntax/);
      const work = pools.flatMap((pool, p) =>
        Array.from({ length: 40 }, async (_, i) => {
          if (i % 4 === 0) {
            const c = await pool.connect();
            try {
              await c.query("BEGIN");
              const { rows } = await c.query("SELECT $1::int + $2::int AS n", [i, p]);
              await c.query("COMMIT");
              return rows[0].n;
            } finally {
              c.release();
            }
          }
          const { rows } = await pool.query("SELECT $1::int + $2::int AS n", [i, p]);
          return rows[0].n;
        }),
      );
      expect(await Promise.all(work)).toEqual(pools.flatMap((_, p) => Array.from({ length: 40 }, (_, i) => i + p)));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
