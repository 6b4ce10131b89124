// Sizing numbers for docs/deploy.md: bytes per segment of the per-model-version HNSW index and of the segments
// table, HNSW build time, and query latency, measured on the real schema with pgvector.
//   pnpm --filter @earshot/deploy bench:hnsw [-- --rows 10000,40000 --dim 512]
// Vectors are random unit vectors: the index's size depends on the dimension and HNSW's m, not on the data;
// build time and recall do depend on the data, so treat those as indicative.
import { parseArgs } from "node:util";
import { createPool } from "@earshot/db";
import { createTestDatabase } from "@earshot/db/testing";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "10000,40000" }, dim: { type: "string", default: "" } },
});
const sizes = (values.rows ?? "").split(",").map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n <= 0 || n > 500_000)) {
  throw new Error("--rows takes comma-separated row counts between 1 and 500000");
}

async function modelDim(): Promise<number> {
  if (values.dim) return Number(values.dim);
  try {
    const { readFile } = await import("node:fs/promises");
    const { repoRoot } = await import("@earshot/config");
    const manifest = JSON.parse(await readFile(`${repoRoot}/models/default/manifest.json`, "utf8"));
    return Number(manifest.dim);
  } catch {
    return 768;
  }
}

const dim = await modelDim();
const db = await createTestDatabase();
// The owner: it loads rows outside any tenant and drops and rebuilds the index.
const pool = createPool(db.ownerUrl, 2);
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);

try {
  const { rows: setup } = await pool.query(
    `WITH t AS (INSERT INTO tenants (name, slug) VALUES ('bench', 'bench') RETURNING id),
          a AS (INSERT INTO audio_assets (tenant_id, storage_key, sha256, original_filename, mime, duration_s)
                SELECT id, 'x', 'x', 'x.ogg', 'audio/ogg', 10 FROM t RETURNING id, tenant_id),
          m AS (INSERT INTO model_versions (name, version, dim) VALUES ('bench', 'bench-1', $1) RETURNING id)
     SELECT a.id AS asset, a.tenant_id AS tenant, m.id AS model FROM a, m`,
    [dim],
  );
  const { asset, tenant, model } = setup[0];
  console.log(`HNSW sizing: dim ${dim}, pgvector defaults (m=16, ef_construction=64), vector_ip_ops`);
  console.log("rows\tHNSW MB\tHNSW B/row\ttable MB\ttable B/row\tbtrees B/row\tbuild s\tquery p50 ms\tquery p95 ms");
  let inserted = 0;
  for (const target of sizes) {
    // Without the index while loading (a live HNSW index makes every insert a graph insertion).
    await pool.query(`DROP INDEX IF EXISTS segments_hnsw_${String(model).replaceAll("-", "")}`);
    // Random unit vectors, made here and sent as text (the server only parses them), 1000 rows per statement.
    while (inserted < target) {
      const n = Math.min(1000, target - inserted);
      const vectors = Array.from({ length: n }, () => {
        const v = Array.from({ length: dim }, () => Math.random() - 0.5);
        const norm = Math.hypot(...v);
        return `[${v.map((x) => (x / norm).toFixed(6)).join(",")}]`;
      });
      await pool.query(
        `INSERT INTO segments (tenant_id, asset_id, model_version_id, start_s, end_s, embedding)
         SELECT $1, $2, $3, i * 5, i * 5 + 10, v::vector FROM unnest($4::text[]) WITH ORDINALITY AS u(v, i)`,
        [tenant, asset, model, vectors],
      );
      inserted += n;
    }
    const client = await pool.connect();
    try {
      await client.query("SET maintenance_work_mem = '1GB'");
      const t0 = performance.now();
      const { rows } = await client.query("SELECT earshot_ensure_segment_index($1) AS name", [model]);
      const buildS = (performance.now() - t0) / 1000;
      const index = rows[0].name as string;
      const sizesRow = await client.query(
        `SELECT pg_relation_size($1::regclass) AS index,
                pg_indexes_size('segments') - pg_relation_size($1::regclass) AS btrees,
                pg_total_relation_size('segments') - pg_indexes_size('segments') AS table`,
        [index],
      );
      const indexBytes = Number(sizesRow.rows[0].index);
      const tableBytes = Number(sizesRow.rows[0].table);
      const btreeBytes = Number(sizesRow.rows[0].btrees);
      // Query latency: top-20 by inner product through the index (ef_search 100, as the API uses).
      await client.query("SET hnsw.ef_search = 100");
      const latencies: number[] = [];
      for (let i = 0; i < 60; i++) {
        const q = Array.from({ length: dim }, () => Math.random() - 0.5);
        const norm = Math.hypot(...q);
        const literal = `[${q.map((x) => x / norm).join(",")}]`;
        const t = performance.now();
        await client.query(
          `SELECT id FROM segments WHERE model_version_id = $1
           ORDER BY (embedding::vector(${dim})) <#> $2::vector(${dim}) LIMIT 20`,
          [model, literal],
        );
        if (i >= 10) latencies.push(performance.now() - t); // the first ones warm the cache
      }
      const plan = await client.query(
        `EXPLAIN SELECT id FROM segments WHERE model_version_id = $1
         ORDER BY (embedding::vector(${dim})) <#> $2::vector(${dim}) LIMIT 20`,
        [model, `[${Array(dim).fill(0).join(",")}]`],
      );
      if (!plan.rows.some((r) => String(r["QUERY PLAN"]).includes(index)))
        throw new Error("query did not use the index");
      latencies.sort((a, b) => a - b);
      const pct = (p: number) => (latencies[Math.floor(p * (latencies.length - 1))] ?? 0).toFixed(1);
      console.log(
        [
          target,
          mb(indexBytes),
          Math.round(indexBytes / target),
          mb(tableBytes),
          Math.round(tableBytes / target),
          Math.round(btreeBytes / target),
          buildS.toFixed(1),
          pct(0.5),
          pct(0.95),
        ].join("\t"),
      );
    } finally {
      client.release();
    }
  }
} finally {
  await pool.end();
  await db.drop();
}
