// `pnpm bench:search`: searchAudio latency and recall at 10k / 100k / 1M segments and under tenant filters.
//
// Segment vectors are synthetic but shaped like the real ones: random mixes of real modsounds-dev segment embeddings
// from the default model bundle plus Gaussian noise, re-normalised per expert block (the serving form). Queries are real
// AudioCaps test captions encoded by the same bundle. Recall@10 is asset-level (best segment per asset, as search
// returns it) against an exact scan of the tenant's segments. End-to-end latency is HTTP -> API -> embedding service
// (text encoding) -> pgvector -> response, one request at a time.
//
// Options: --sizes 10000,100000,1000000  --tenant-size 100000  --tenants 1,10,100  --queries 100
//          --ef 40,100,200,400,800,1000  --audio-ef 40,100  --e2e-ef 100,400  --no-append (print only)
//          --max-build-s 3000 (skip the next size when its build would take longer, extrapolated linearly)
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createApiKey } from "@earshot/auth";
import { repoRoot } from "@earshot/config";
import { createPool, type Pool, toVectorLiteral, withTenant } from "@earshot/db";
import { createTestDatabase } from "@earshot/db/testing";
import { EmbedderClient } from "@earshot/embedder-client";
import { LocalStorage } from "@earshot/ingest";
import { createLogger } from "@earshot/log";
import { contentCandidates, type ModelVersionRow, tenantSearchModel, type VectorSearchOptions } from "@earshot/search";
import { Redis } from "ioredis";
import { from as copyFrom } from "pg-copy-streams";
import { buildServer, storageMediaStore } from "../src/server.ts";
import { startEmbedder } from "./embedder.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : dflt;
};
const nums = (s: string) => s.split(",").map(Number);
const SIZES = nums(opt("sizes", "10000,100000,1000000"));
const TENANT_SIZE = Number(opt("tenant-size", "100000"));
const TENANTS = nums(opt("tenants", "1,10,100"));
const QUERIES = Number(opt("queries", "100"));
const EFS = nums(opt("ef", "40,100,200,400,800,1000"));
const MAX_BUILD_S = Number(opt("max-build-s", "3000"));
const APPEND = !args.includes("--no-append");
const AUDIO_EFS = nums(opt("audio-ef", "40,100"));
const E2E_EFS = nums(opt("e2e-ef", "100,400"));
const SEGMENTS_PER_ASSET = 8;
const NOISE = 0.02;

const log = (...a: unknown[]) => console.error(new Date().toISOString().slice(11, 19), ...a);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);

// ---------------------------------------------------------------------------------------------------------------
// Embedding service (child process, as in production) and the real vectors the synthetic ones are seeded from.

async function realSegmentVectors(client: EmbedderClient): Promise<Float32Array[]> {
  const cache = path.join(repoRoot, ".earshot/bench/modsounds-segments.json");
  const info = await client.model();
  if (existsSync(cache)) {
    const c = JSON.parse(await readFile(cache, "utf8")) as { version: string; vectors: number[][] };
    if (c.version === info.version) return c.vectors.map((v) => Float32Array.from(v));
  }
  const { decodeAudio } = await import("@earshot/audio");
  const dir = path.join(repoRoot, "../shared/data/modsounds-dev");
  const files = (await readFile(path.join(dir, "manifest.csv"), "utf8"))
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",")[0] as string);
  const out: Float32Array[] = [];
  for (const f of files) {
    const { segments } = await client.embedAudio(await decodeAudio(path.join(dir, f)));
    for (const s of segments) out.push(s.vector);
  }
  await mkdir(path.dirname(cache), { recursive: true });
  await writeFile(cache, JSON.stringify({ version: info.version, vectors: out.map((v) => Array.from(v)) }));
  return out;
}

async function captions(n: number): Promise<string[]> {
  const text = await readFile(path.join(repoRoot, "../shared/data/captions/audiocaps/test.csv"), "utf8");
  const seen = new Set<string>();
  for (const line of text.split("\n").slice(1)) {
    const caption = line.split(",").slice(3).join(",").replace(/^"|"$/g, "").trim();
    if (caption) seen.add(caption);
    if (seen.size >= n) break;
  }
  return [...seen];
}

// ---------------------------------------------------------------------------------------------------------------
// Synthetic data, loaded with binary COPY.

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

/**
 * A point on the real embedding manifold: a random convex mix of three real segment vectors plus noise,
 * re-normalised per expert block. (Noisy copies of the real vectors alone would put hundreds of near-ties around
 * each of them at 1M, which measures noise, not the index.)
 */
function syntheticVector(bases: Float32Array[], blocks: number[], seed?: number): Float32Array {
  const dim = bases[0]?.length as number;
  const v = new Float32Array(dim);
  const w = [Math.random(), Math.random(), Math.random()].map((x) => -Math.log(1 - x));
  const sum = w.reduce((a, b) => a + b, 0);
  for (let m = 0; m < 3; m++) {
    const b = bases[
      seed !== undefined && m === 0 ? seed % bases.length : Math.floor(Math.random() * bases.length)
    ] as Float32Array;
    const wm = (w[m] as number) / sum;
    for (let i = 0; i < dim; i++) v[i] = (v[i] as number) + wm * (b[i] as number);
  }
  let o = 0;
  for (const size of blocks) {
    let norm = 0;
    for (let i = o; i < o + size; i++) {
      const x = (v[i] as number) + NOISE * gaussian();
      v[i] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let i = o; i < o + size; i++) v[i] = (v[i] as number) / norm;
    o += size;
  }
  return v;
}

const uuidOf = (s: string) => {
  const h = createHash("md5").update(s).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const uuidBytes = (u: string) => Buffer.from(u.replace(/-/g, ""), "hex");

function* segmentRows(n: number, tenants: string[], modelId: string, bases: Float32Array[], blocks: number[]) {
  const header = Buffer.alloc(19);
  header.write("PGCOPY\n\xff\r\n\0", 0, "latin1");
  yield header;
  const mv = uuidBytes(modelId);
  const dim = bases[0]?.length as number;
  const batch: Buffer[] = [];
  for (let j = 0; j < n; j++) {
    const asset = Math.floor(j / SEGMENTS_PER_ASSET);
    const k = j % SEGMENTS_PER_ASSET;
    const v = syntheticVector(bases, blocks);
    const row = Buffer.alloc(2 + 3 * 20 + 2 * 12 + 4 + 4 + 4 * dim);
    let o = row.writeInt16BE(6, 0);
    for (const u of [tenants[asset % tenants.length] as string, uuidOf(`asset-${asset}`)]) {
      o = row.writeInt32BE(16, o);
      o += uuidBytes(u).copy(row, o);
    }
    o = row.writeInt32BE(16, o);
    o += mv.copy(row, o);
    for (const x of [k * 5, k * 5 + 10]) {
      o = row.writeInt32BE(8, o);
      o = row.writeDoubleBE(x, o);
    }
    o = row.writeInt32BE(4 + 4 * dim, o);
    o = row.writeInt16BE(dim, o);
    o = row.writeInt16BE(0, o);
    for (let i = 0; i < dim; i++) o = row.writeFloatBE(v[i] as number, o);
    batch.push(row.subarray(0, o));
    if (batch.length === 512) yield Buffer.concat(batch.splice(0));
  }
  if (batch.length) yield Buffer.concat(batch);
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  yield trailer;
}

interface Dataset {
  /** The worker's login, under row-level security like the application (seeding runs as the owner). */
  pool: Pool;
  /** The API's own login, for the end-to-end runs. */
  apiPool: Pool;
  drop(): Promise<void>;
  tenants: string[];
  model: ModelVersionRow;
  loadS: number;
  buildS: number;
}

async function buildDataset(
  n: number,
  tenantCount: number,
  bundle: { name: string; version: string; dim: number; manifest: unknown },
  bases: Float32Array[],
  blocks: number[],
): Promise<Dataset> {
  const db = await createTestDatabase();
  const owner = createPool(db.ownerUrl, 4);
  const { rows } = await owner.query<{ id: string }>(
    "INSERT INTO model_versions (name, version, dim, manifest) VALUES ($1, $2, $3, $4) RETURNING id",
    [bundle.name, bundle.version, bundle.dim, bundle.manifest],
  );
  const modelId = rows[0]?.id as string;
  const tenants: string[] = [];
  for (let t = 0; t < tenantCount; t++) {
    const r = await owner.query<{ id: string }>(
      "INSERT INTO tenants (slug, name, search_model_version_id) VALUES ($1, $1, $2) RETURNING id",
      [`bench-${t}`, modelId],
    );
    tenants.push(r.rows[0]?.id as string);
  }
  const t0 = performance.now();
  const assets = Math.ceil(n / SEGMENTS_PER_ASSET);
  await owner.query(
    `INSERT INTO audio_assets (id, tenant_id, storage_key, sha256, original_filename, mime, duration_s, title, status)
     SELECT md5('asset-' || i)::uuid, ($1::uuid[])[1 + i % $2], 'none', md5('sha-' || i), 'bench-' || i || '.ogg',
            'audio/ogg', 45, 'bench asset ' || i, 'ready'
       FROM generate_series(0, $3 - 1) i`,
    [tenants, tenantCount, assets],
  );
  const client = await owner.connect();
  try {
    await pipeline(
      Readable.from(segmentRows(n, tenants, modelId, bases, blocks)),
      client.query(
        copyFrom(
          "COPY segments (tenant_id, asset_id, model_version_id, start_s, end_s, embedding) FROM STDIN (FORMAT binary)",
        ),
      ),
    );
  } finally {
    client.release();
  }
  const loadS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const c = await owner.connect();
  try {
    await c.query("SET maintenance_work_mem = '6GB'");
    await c.query("SET max_parallel_maintenance_workers = 1");
    await c.query("SELECT earshot_ensure_segment_index($1)", [modelId]);
    await c.query("ANALYZE segments");
    await c.query("ANALYZE audio_assets");
  } finally {
    c.release();
  }
  const buildS = (performance.now() - t1) / 1000;
  await owner.end();
  const pool = createPool(db.url, 4);
  const apiPool = createPool(db.apiUrl, 4);
  const model = (await withTenant(pool, tenants[0] as string, tenantSearchModel)) as ModelVersionRow;
  return {
    pool,
    apiPool,
    drop: async () => {
      await pool.end();
      await apiPool.end();
      await db.drop();
    },
    tenants,
    model,
    loadS,
    buildS,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements.

async function exactTop10(ds: Dataset, tenant: string, q: Float32Array) {
  return withTenant(ds.pool, tenant, async (c) => {
    await c.query("SET LOCAL enable_indexscan = off");
    const d = ds.model.dim;
    const t = performance.now();
    const { rows } = await c.query<{ asset_id: string }>(
      `SELECT asset_id, min((embedding::vector(${d})) <#> $1::vector(${d})) AS dist FROM segments
        WHERE model_version_id = $2 GROUP BY asset_id ORDER BY dist, asset_id LIMIT 10`,
      [toVectorLiteral(q), ds.model.id],
    );
    return { ids: rows.map((r) => r.asset_id), ms: performance.now() - t };
  });
}

async function approxTop10(ds: Dataset, tenant: string, q: Float32Array, opts: VectorSearchOptions) {
  return withTenant(ds.pool, tenant, async (c) => {
    const t = performance.now();
    const hits = await contentCandidates(c, ds.model, q, null, 10, opts);
    return { ids: hits.map((h) => h.assetId), ms: performance.now() - t };
  });
}

function recall(approx: string[], exact: string[]) {
  const e = new Set(exact);
  return approx.filter((x) => e.has(x)).length / Math.max(1, exact.length);
}

interface Row {
  label: string;
  p50: number;
  p95: number;
  recall?: number;
}

async function measureDb(
  ds: Dataset,
  tenant: string,
  qv: Float32Array[],
  configs: Array<[string, VectorSearchOptions]>,
) {
  const rows: Row[] = [];
  // Exact scans are slow at 1M: fewer queries there (decided after the first five).
  let limit = qv.length;
  const exact: string[][] = [];
  const exactMs: number[] = [];
  for (const q of qv) {
    if (exact.length >= limit) break;
    const r = await exactTop10(ds, tenant, q);
    exact.push(r.ids);
    exactMs.push(r.ms);
    if (exact.length === 5 && pct(exactMs, 50) > 400) limit = Math.min(limit, 30);
  }
  rows.push({ label: "exact scan (baseline)", p50: pct(exactMs, 50), p95: pct(exactMs, 95), recall: 1 });
  for (const [label, o] of configs) {
    for (const q of qv.slice(0, 5)) await approxTop10(ds, tenant, q, o); // warm-up
    const t: number[] = [];
    const rec: number[] = [];
    for (const [i, q] of qv.entries()) {
      if (i >= exact.length) break;
      const r = await approxTop10(ds, tenant, q, o);
      t.push(r.ms);
      rec.push(recall(r.ids, exact[i] as string[]));
    }
    rows.push({ label, p50: pct(t, 50), p95: pct(t, 95), recall: rec.reduce((a, b) => a + b, 0) / rec.length });
  }
  return { rows, queries: exact.length };
}

async function measureEndToEnd(ds: Dataset, embedderUrl: string, texts: string[], efSearch: number) {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prefix = `earshot-bench-${randomBytes(3).toString("hex")}`;
  const storage = new LocalStorage(path.join(os.tmpdir(), prefix));
  const app = await buildServer({
    pool: ds.apiPool,
    logger: createLogger("bench-api", "silent"),
    redis,
    embedder: new EmbedderClient(embedderUrl, { retries: 0 }),
    media: storageMediaStore(storage),
    mediaSecret: randomBytes(32).toString("hex"),
    rateLimitPointsPerMinute: 100_000_000,
    redisPrefix: prefix,
    efSearch,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/graphql`;
  const { key } = await createApiKey(ds.pool, ds.tenants[0] as string, { name: "bench", scopes: ["search"] });
  const query =
    "query($q: String!) { searchAudio(query: $q, mode: CONTENT, first: 10) { edges { node { score segment { startS endS } asset { id title durationS } } } } }";
  const run = async (q: string) => {
    const t = performance.now();
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables: { q } }),
    });
    const body = (await res.json()) as { errors?: unknown; data?: { searchAudio: { edges: unknown[] } } };
    if (body.errors || body.data?.searchAudio.edges.length !== 10)
      throw new Error(`bad answer: ${JSON.stringify(body).slice(0, 300)}`);
    return performance.now() - t;
  };
  for (const q of texts.slice(0, 10)) await run(q);
  const times: number[] = [];
  for (const q of texts) times.push(await run(q));
  await app.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  return { p50: pct(times, 50), p95: pct(times, 95), n: times.length };
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = new Date();
  const manifest = JSON.parse(await readFile(path.join(repoRoot, "models/default/manifest.json"), "utf8")) as {
    name: string;
    version: string;
    dim: number;
    experts: Array<{ embedDim: number }>;
  };
  const blocks = manifest.experts.map((e) => e.embedDim);
  log("starting the embedding service");
  const emb = await startEmbedder();
  process.on("exit", () => emb.proc.kill());
  const header: string[] = [];
  const scale: string[] = [];
  const tenants: string[] = [];
  const partial = path.join(repoRoot, ".earshot/bench/search-partial.md");
  const render = () =>
    [
      ...header,
      "### Scale (one tenant)",
      "",
      "| segments | load s | HNSW build s | query | p50 ms | p95 ms | recall@10 |",
      "|---|---|---|---|---|---|---|",
      ...scale,
      "",
      `### Tenant filter (${TENANT_SIZE.toLocaleString("en")} segments split evenly; queries as one tenant)`,
      "",
      "Row-level security adds `tenant_id = current tenant` to the segment scan. `relaxed_order` = pgvector 0.8",
      "iterative index scan (`hnsw.max_scan_tuples` 20000 unless stated); `off` = plain HNSW, then the filter;",
      "served = what the API does by default (HNSW, ef_search 100, relaxed_order; the planner may pick the tenant's",
      "btree index and an exact sort instead when the tenant is small).",
      "",
      "| tenants | tenant's segments | query | p50 ms | p95 ms | recall@10 |",
      "|---|---|---|---|---|---|",
      ...tenants,
    ].join("\n");
  const checkpoint = async () => {
    await mkdir(path.dirname(partial), { recursive: true });
    await writeFile(partial, `${render()}\n`);
  };
  const load = () => `load average ${os.loadavg()[0]?.toFixed(1)}`;

  const client = new EmbedderClient(emb.url, { retries: 2, timeoutMs: 60_000 });
  log("real segment vectors (modsounds-dev)");
  const bases = await realSegmentVectors(client);
  const texts = await captions(QUERIES);
  const qv = (await client.embedTexts(texts)).vectors;
  // Audio-side queries (query by example), drawn like the data.
  const qa = texts.map((_t, i) => syntheticVector(bases, blocks, i * 13));
  // Text encoding alone, for the latency breakdown.
  const encMs: number[] = [];
  for (const t of texts.slice(0, 50)) {
    const s = performance.now();
    await client.embedTexts([t]);
    encMs.push(performance.now() - s);
  }
  log(`${bases.length} real segment vectors; ${texts.length} queries; text encoding p50 ${ms(pct(encMs, 50))} ms`);
  const bundle = { name: manifest.name, version: manifest.version, dim: manifest.dim, manifest };
  const hnsw = (ef: number, more: VectorSearchOptions = {}): VectorSearchOptions => ({ efSearch: ef, ...more });

  header.push(
    `## Search (\`pnpm bench:search\`, ${started.toISOString().slice(0, 16)}Z)`,
    "",
    `Model bundle ${manifest.name} ${manifest.version}, ${manifest.dim}-d vectors (experts ${blocks.join("+")}), HNSW m=16,`,
    `ef_construction=64, inner product. Segment vectors: random convex mixes of three of the ${bases.length} real`,
    `modsounds-dev segment embeddings plus Gaussian noise (sigma ${NOISE} per dim), re-normalised per expert block;`,
    `${SEGMENTS_PER_ASSET} segments per asset. Audio queries (query by example) are drawn the same way.`,
    `Text queries: ${texts.length} AudioCaps test captions through the real text encoder. Recall@10 is asset-level`,
    "(best segment per asset) against an exact scan of the same tenant. DB = the vector query in its tenant",
    "transaction (RLS on); end to end = HTTP POST /graphql searchAudio(mode: CONTENT, first: 10) with an API key ->",
    "text encoding in the embedding service (separate process) -> pgvector -> JSON, one request at a time.",
    `2 CPU cores shared with other work (${load()} at the start); text encoding alone: p50 ${ms(pct(encMs, 50))} ms,`,
    `p95 ${ms(pct(encMs, 95))} ms.`,
    "",
  );

  const runScale = async (n: number) => {
    log(`dataset ${n} segments, 1 tenant (${load()})`);
    const ds = await buildDataset(n, 1, bundle, bases, blocks);
    log(`  loaded in ${ds.loadS.toFixed(0)} s, index built in ${ds.buildS.toFixed(0)} s`);
    try {
      const efs: Array<[string, VectorSearchOptions]> = EFS.map((ef) => [`HNSW ef_search=${ef}`, hnsw(ef)]);
      const { rows, queries } = await measureDb(ds, ds.tenants[0] as string, qv, efs);
      const audio = await measureDb(
        ds,
        ds.tenants[0] as string,
        qa,
        AUDIO_EFS.map((ef) => [`HNSW ef_search=${ef}`, hnsw(ef)]),
      );
      scale.push(
        `| ${n.toLocaleString("en")} | ${ds.loadS.toFixed(0)} | ${ds.buildS.toFixed(0)} | (${load()}) | | | |`,
      );
      for (const ef of E2E_EFS) {
        const e2e = await measureEndToEnd(ds, emb.url, texts, ef);
        log(`  e2e ef ${ef}: p50 ${ms(e2e.p50)} p95 ${ms(e2e.p95)}`);
        const r = rows.find((x) => x.label === `HNSW ef_search=${ef}`);
        const rec = r?.recall?.toFixed(3) ?? "";
        scale.push(`| | | | end to end, text query, ef_search=${ef} | ${ms(e2e.p50)} | ${ms(e2e.p95)} | ${rec} |`);
      }
      for (const r of rows) {
        const note = r.label.startsWith("exact") ? ` (${queries} queries)` : "";
        scale.push(
          `| | | | DB, text queries: ${r.label}${note} | ${ms(r.p50)} | ${ms(r.p95)} | ${r.recall?.toFixed(3)} |`,
        );
      }
      for (const r of audio.rows.slice(1)) {
        scale.push(`| | | | DB, audio queries: ${r.label} | ${ms(r.p50)} | ${ms(r.p95)} | ${r.recall?.toFixed(3)} |`);
      }
      if (n === TENANT_SIZE && TENANTS.includes(1)) await runTenants(1, ds);
      await checkpoint();
      return ds.buildS;
    } finally {
      await ds.drop();
    }
  };

  const runTenants = async (t: number, given?: Dataset) => {
    log(`dataset ${TENANT_SIZE} segments, ${t} tenants (${load()})`);
    const ds = given ?? (await buildDataset(TENANT_SIZE, t, bundle, bases, blocks));
    try {
      const { rows } = await measureDb(ds, ds.tenants[0] as string, qv, [
        ["served", {}],
        ["HNSW ef_search=100, iterative relaxed_order", hnsw(100)],
        ["HNSW ef_search=400, iterative relaxed_order", hnsw(400)],
        ["HNSW ef_search=400, iterative relaxed_order, max_scan_tuples 100000", hnsw(400, { maxScanTuples: 100_000 })],
        ["HNSW ef_search=400, iterative off (post-filter)", hnsw(400, { iterativeScan: "off" })],
        ["HNSW ef_search=400, iterative strict_order", hnsw(400, { iterativeScan: "strict_order" })],
      ]);
      const share = Math.round(TENANT_SIZE / t).toLocaleString("en");
      for (const r of rows) {
        tenants.push(`| ${t} | ${share} | ${r.label} | ${ms(r.p50)} | ${ms(r.p95)} | ${r.recall?.toFixed(3)} |`);
      }
      await checkpoint();
    } finally {
      if (!given) await ds.drop();
    }
  };

  // Small sizes, then the tenant runs, then the largest size (its build takes longest).
  const sizes = [...SIZES].sort((a, b) => a - b);
  const largest = sizes.length > 1 ? (sizes.pop() as number) : undefined;
  let lastBuild = { n: 1, s: 0 };
  for (const n of sizes) lastBuild = { n, s: await runScale(n) };
  for (const t of TENANTS) if (!(t === 1 && sizes.includes(TENANT_SIZE))) await runTenants(t);
  if (largest !== undefined) {
    const guess = (lastBuild.s * largest) / lastBuild.n;
    if (guess > MAX_BUILD_S) {
      scale.push(
        `| ${largest.toLocaleString("en")} | | | not built: about ${guess.toFixed(0)} s extrapolated (limit ${MAX_BUILD_S} s) | | | |`,
      );
    } else await runScale(largest);
  }

  const text = `\n${render()}\n`;
  process.stdout.write(text);
  if (APPEND) await appendFile(path.join(repoRoot, "docs/benchmarks.md"), text);
  log(APPEND ? "appended to docs/benchmarks.md" : "not appended (--no-append)");
  process.exit(0);
}

await main();
