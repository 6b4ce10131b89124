// `pnpm bench:load`: loopback load test of the whole ingest + search path.
// Starts embedder, worker and API (the `pnpm start` commands) on a throwaway database, seeds a tenant with part of
// modsounds-dev, runs searchAudio at a fixed --rate (autocannon) for --baseline seconds alone, then for --duration
// seconds while a concurrent bulk upload sends the rest of the clips. Reports search latency percentiles and error
// rate for both phases, ingest throughput, and checks that every uploaded file ended as an indexed asset (nothing
// lost). Bounded: at most --files clips, --baseline + --duration seconds of load, --timeout seconds overall.
//   pnpm bench:load [--rate 20 --baseline 15 --duration 30 --connections 32 --seed 60 --files 199]
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createApiKey } from "@earshot/auth";
import { repoRoot } from "@earshot/config";
import { createPool } from "@earshot/db";
import autocannon from "autocannon";
import { type Stack, startStack } from "./stack.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    duration: { type: "string", default: "30" },
    baseline: { type: "string", default: "15" },
    // Enough connections that the offered rate holds even when latency grows (rate x worst latency).
    connections: { type: "string", default: "32" },
    seed: { type: "string", default: "60" },
    files: { type: "string", default: "199" },
    "files-per-request": { type: "string", default: "10" },
    timeout: { type: "string", default: "600" },
  },
});
const num = (name: keyof typeof values, min: number, max: number) => {
  const v = Number(values[name]);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${name} must be between ${min} and ${max}`);
  return v;
};
const RATE = num("rate", 1, 1000);
const DURATION_S = num("duration", 5, 300);
const BASELINE_S = num("baseline", 5, 300);
const CONNECTIONS = num("connections", 1, 64);
const FILES = num("files", 2, 199);
const SEED = Math.min(num("seed", 1, 198), FILES - 1);
const PER_REQUEST = num("files-per-request", 1, 100);
const TIMEOUT_S = num("timeout", 60, 1800);

const DATA = path.resolve(repoRoot, "../shared/data/modsounds-dev");
const QUERIES = [
  "a dog barking",
  "rain falling on a roof",
  "a door closing",
  "birds singing in the morning",
  "a balloon being inflated",
  "footsteps on gravel",
  "glass breaking",
  "a man talking as music plays",
  "water running from a tap",
  "a bell ringing",
  "wind blowing",
  "a car engine starting",
];

interface Clip {
  file: string;
  durationS: number;
}

function clips(): Clip[] {
  const lines = readFileSync(path.join(DATA, "manifest.csv"), "utf8").trim().split("\n").slice(1);
  return lines.map((l) => {
    const [file, , duration] = l.split(",");
    return { file: path.join(DATA, file as string), durationS: Number(duration) };
  });
}

async function gql<T>(stack: Stack, key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${stack.apiUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

async function createBatch(stack: Stack, key: string): Promise<{ id: string; uploadUrl: string }> {
  const data = await gql<{ createUploadBatch: { id: string; uploadUrl: string } }>(
    stack,
    key,
    "mutation { createUploadBatch { id uploadUrl } }",
  );
  return data.createUploadBatch;
}

/** Posts clips as multipart, PER_REQUEST files per request; returns the item ids the API acknowledged. */
async function upload(stack: Stack, key: string, uploadUrl: string, files: Clip[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < files.length; i += PER_REQUEST) {
    const form = new FormData();
    for (const clip of files.slice(i, i + PER_REQUEST)) {
      form.append("file", new Blob([readFileSync(clip.file)]), path.basename(clip.file));
    }
    const res = await fetch(`${stack.apiUrl}${uploadUrl}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    const body = (await res.json()) as { items?: Array<{ itemId: string }>; error?: unknown };
    if (res.status !== 201 || !body.items) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
    ids.push(...body.items.map((it) => it.itemId));
  }
  return ids;
}

interface Progress {
  total: number;
  queued: number;
  processing: number;
  done: number;
  duplicate: number;
  failed: number;
}

async function waitBatch(stack: Stack, key: string, batchId: string, expected: number, deadline: number) {
  for (;;) {
    const data = await gql<{ uploadBatch: { progress: Progress } }>(
      stack,
      key,
      "query ($id: ID!) { uploadBatch(id: $id) { progress { total queued processing done duplicate failed } } }",
      { id: batchId },
    );
    const p = data.uploadBatch.progress;
    if (p.total === expected && p.queued === 0 && p.processing === 0) return p;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} unfinished at the deadline: ${JSON.stringify(p)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface SearchStats {
  targetRate: number;
  achievedRate: number;
  requests: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  maxMs: number;
  errorRate: number;
  errors: { socket: number; timeouts: number; non2xx: number; graphql: number };
  /** Answered without error but with no hits: the seeded tenant should always match something. */
  emptyResults: number;
}

/** searchAudio at RATE requests/s for `seconds` (autocannon, CONNECTIONS connections), CONTENT and HYBRID mixed. */
async function searchAtRate(stack: Stack, key: string, seconds: number): Promise<SearchStats> {
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let empty = 0;
  const query =
    "query ($q: String!, $mode: SearchMode) { searchAudio(query: $q, mode: $mode, first: 20) { edges { node { score segment { startS endS } asset { id title } } } } }";
  const options: autocannon.Options = {
    url: `${stack.apiUrl}/graphql`,
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: seconds,
    timeout: 10,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    requests: QUERIES.map((q, i) => ({
      method: "POST" as const,
      body: JSON.stringify({ query, variables: { q, mode: i % 3 === 0 ? "HYBRID" : "CONTENT" } }),
      onResponse: (status: number, body: string) => {
        if (status !== 200) return; // counted by autocannon as non2xx
        if (body.includes('"errors"')) graphqlErrors++;
        else if (body.includes('"edges":[]')) empty++;
      },
    })),
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const requests = result.requests.total;
  const errors = result.errors + result.timeouts + result.non2xx + graphqlErrors;
  const ms = (v: number | undefined) => Number((v ?? Number.NaN).toFixed(1));
  return {
    targetRate: RATE,
    achievedRate: Number((requests / result.duration).toFixed(1)),
    requests,
    p50ms: ms(percentile(latencies, 0.5)),
    p95ms: ms(percentile(latencies, 0.95)),
    p99ms: ms(percentile(latencies, 0.99)),
    maxMs: ms(latencies.at(-1)),
    errorRate: Number((errors / Math.max(1, requests)).toFixed(4)),
    errors: { socket: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, graphql: graphqlErrors },
    emptyResults: empty,
  };
}

/** A tenant and an ADMIN API key for it, made directly in the database (there is no sign-up flow to drive). */
async function createTenantKey(dbUrl: string): Promise<string> {
  const pool = createPool(dbUrl, 2);
  try {
    const { rows } = await pool.query<{ id: string }>(
      "INSERT INTO tenants (slug, name) VALUES ('loadtest', 'Load test') RETURNING id",
    );
    const { key } = await createApiKey(pool, rows[0]?.id as string, { name: "load test", scopes: ["admin"] });
    return key;
  } finally {
    await pool.end();
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

async function main() {
  const deadline = Date.now() + TIMEOUT_S * 1000;
  const all = clips().slice(0, FILES);
  const seed = all.slice(0, SEED);
  const bulk = all.slice(SEED);
  console.log(
    `load test: ${RATE} searchAudio/s over ${CONNECTIONS} connections, ${BASELINE_S}s alone then ${DURATION_S}s ` +
      `during a bulk upload of ${bulk.length} clips (${PER_REQUEST} per request); seed ${seed.length} clips`,
  );
  // The per-key rate limit would cap the test at RATE_LIMIT_POINTS_PER_MINUTE; this measures capacity, not the limiter.
  const stack = await startStack({ RATE_LIMIT_POINTS_PER_MINUTE: "100000000" });
  const timer = setTimeout(() => {
    console.error(`load test: over the ${TIMEOUT_S}s limit, stopping`);
    void stack.stop().then(() => process.exit(2));
  }, TIMEOUT_S * 1000);
  try {
    const key = await createTenantKey(stack.db.url);

    // 1. Seed: something to search.
    let t0 = performance.now();
    const seedBatch = await createBatch(stack, key);
    const seedIds = await upload(stack, key, seedBatch.uploadUrl, seed);
    const seedProgress = await waitBatch(stack, key, seedBatch.id, seedIds.length, deadline);
    const seedS = (performance.now() - t0) / 1000;
    console.log(`seeded ${seedIds.length} clips in ${seedS.toFixed(1)}s: ${JSON.stringify(seedProgress)}`);

    // 2. Search alone at the fixed rate (baseline), then the same rate with a concurrent bulk upload.
    const baseline = await searchAtRate(stack, key, BASELINE_S);
    t0 = performance.now();
    const bulkBatch = await createBatch(stack, key);
    const bulkUpload = (async () => {
      // Two uploaders at once, like an admin's browser with parallel requests.
      const half = Math.ceil(bulk.length / 2);
      const parts = await Promise.all([
        upload(stack, key, bulkBatch.uploadUrl, bulk.slice(0, half)),
        upload(stack, key, bulkBatch.uploadUrl, bulk.slice(half)),
      ]);
      return parts.flat();
    })();
    const underLoad = await searchAtRate(stack, key, DURATION_S);
    const bulkIds = await bulkUpload;
    const bulkProgress = await waitBatch(stack, key, bulkBatch.id, bulkIds.length, deadline);
    const ingestS = (performance.now() - t0) / 1000;

    // 3. Nothing lost: every file acknowledged is an item, every item finished, every clip has an indexed asset.
    const pool = createPool(stack.db.ownerUrl, 2); // counts across tenants: the owner
    let check: { items: number; done: number; assets: number; withSegments: number; segments: number };
    try {
      const r = await pool.query(
        `SELECT (SELECT count(*) FROM upload_items)::int AS items,
                (SELECT count(*) FROM upload_items WHERE status IN ('done', 'duplicate'))::int AS done,
                (SELECT count(*) FROM audio_assets)::int AS assets,
                (SELECT count(DISTINCT asset_id) FROM segments)::int AS "withSegments",
                (SELECT count(*) FROM segments)::int AS segments`,
      );
      check = r.rows[0];
    } finally {
      await pool.end();
    }
    const distinctFiles = new Set(all.map((c) => readFileSync(c.file).toString("base64"))).size;

    const audioS = bulk.reduce((sum, c) => sum + c.durationS, 0);
    const summary = {
      machine: { cores: os.cpus().length, loadAverage1m: Number(os.loadavg()[0]?.toFixed(1)) },
      searchAlone: baseline,
      searchDuringBulkUpload: underLoad,
      bulkUpload: {
        files: bulk.length,
        acknowledged: bulkIds.length,
        progress: bulkProgress,
        wallS: Number(ingestS.toFixed(1)),
        filesPerMin: Number(((bulk.length / ingestS) * 60).toFixed(1)),
        audioSecondsPerWallSecond: Number((audioS / ingestS).toFixed(2)),
      },
      nothingLost: {
        uploaded: seed.length + bulk.length,
        distinctFiles,
        ...check,
        ok:
          check.items === seed.length + bulk.length &&
          check.done === check.items &&
          check.assets === distinctFiles &&
          check.withSegments === check.assets,
      },
    };
    console.log(JSON.stringify(summary, null, 2));
    if (!summary.nothingLost.ok) throw new Error("files were lost or not indexed (see nothingLost)");
  } catch (err) {
    console.error(`load test failed: ${(err as Error).message}`);
    for (const name of ["api", "worker", "embedder"]) console.error(`--- ${name} ---\n${stack.tail(name)}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    await stack.stop();
  }
}

await main();
