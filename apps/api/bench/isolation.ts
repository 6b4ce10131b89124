// `pnpm bench:isolation`: does one tenant's worst allowed traffic slow another tenant's ordinary searches?
//
// The real API (default limits and rate budget) on loopback over a fresh Postgres database and Redis, with the
// embedding service as a child process and real audio: modsounds-dev clips embedded by the default bundle, the same
// catalogue in tenants A and B. Tenant A runs ordinary CONTENT searches one at a time, first alone, then while
// tenant B's workers send the most expensive document the limits accept (max aliases, 3 search fields incl.
// suggestTags, pages of 100) as fast as they can, 429s included, until A is done. Prints A's p50/p95 both ways.
//
// Options: --queries 40 (A's searches per phase; one caller may run about 58 a minute)
//          --workers 8 (B's concurrent connections)  --clips 24

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { decodeAudio } from "@earshot/audio";
import { createApiKey } from "@earshot/auth";
import { repoRoot } from "@earshot/config";
import { createPool } from "@earshot/db";
import { createTestDatabase } from "@earshot/db/testing";
import { EmbedderClient } from "@earshot/embedder-client";
import { seedAsset, seedSegments, seedTenant } from "@earshot/search/testing";
import { buildSchema, parse } from "graphql";
import { Redis } from "ioredis";
import { MAX_COST, measureCost } from "../src/limits.ts";
import { typeDefs } from "../src/server.ts";
import { startEmbedder } from "./embedder.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const QUERIES = opt("queries", 40);
const WORKERS = opt("workers", 8);
const CLIPS = opt("clips", 24);
/** Upper bound on B's requests per worker, so the loop ends even if A hangs. */
const MAX_B_REQUESTS = 20_000;

const log = (...a: unknown[]) => console.error(new Date().toISOString().slice(11, 19), ...a);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

const PHRASES = [
  "rain falling on a roof",
  "a dog barking",
  "birds singing in the morning",
  "a door creaking open",
  "footsteps in snow",
  "wind blowing",
  "a fire crackling",
  "fireworks exploding",
  "a wolf howling",
  "a cow mooing",
  "someone knocking on a door",
  "insects buzzing at night",
];

const A_QUERY =
  "query($q: String!) { searchAudio(query: $q, mode: CONTENT, first: 10) { edges { node { score asset { id title durationS } } } } }";

/** Tenant B's worst allowed request: 20 aliases, three search fields with 100-item pages. */
function worstAllowed(): string {
  const hit = "edges { cursor node { score foundBy segment { startS endS } asset { id title tags } } }";
  const cheap = Array.from({ length: 17 }, (_, i) => `t${i}: tenant { slug }`).join(" ");
  return `query($q: String!, $id: ID!) {
    a: searchAudio(query: $q, mode: HYBRID, first: 100) { ${hit} }
    b: similarAudio(assetId: $id, first: 100) { ${hit} }
    c: suggestTags(assetId: $id, first: 100) { edges { cursor node { text score source } } }
    ${cheap}
  }`;
}

async function main() {
  const db = await createTestDatabase();
  const pool = createPool(db.url, 10);
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prefix = `earshot-isolation-${randomBytes(3).toString("hex")}`;
  log("starting the embedding service");
  const emb = await startEmbedder();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  let stopApi = () => {};
  const cleanup = async () => {
    stopApi();
    emb.proc.kill();
    await rm(dataDir, { recursive: true, force: true });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await pool.end();
    await db.drop();
  };
  try {
    const embedder = new EmbedderClient(emb.url, { retries: 0, timeoutMs: 60_000 });
    const info = await embedder.model();
    const manifest = JSON.parse(await readFile(path.join(repoRoot, "models/default/manifest.json"), "utf8"));
    const { rows } = await pool.query<{ id: string }>(
      "INSERT INTO model_versions (name, version, dim, manifest) VALUES ($1, $2, $3, $4) RETURNING id",
      [info.name, info.version, info.dim, manifest],
    );
    const modelId = rows[0]?.id as string;
    const a = await seedTenant(pool, "tenant-a", modelId);
    const b = await seedTenant(pool, "tenant-b", modelId);

    log(`embedding ${CLIPS} modsounds-dev clips for both tenants`);
    const dir = path.join(repoRoot, "../shared/data/modsounds-dev");
    const clips = (await readFile(path.join(dir, "manifest.csv"), "utf8"))
      .trim()
      .split("\n")
      .slice(1)
      .slice(0, CLIPS)
      .map((l) => l.split(",") as [string, string, string]);
    let bAsset = "";
    for (const [file, label, duration] of clips) {
      const { segments } = await embedder.embedAudio(await decodeAudio(path.join(dir, file)));
      for (const tenant of [a.id, b.id]) {
        const id = await seedAsset(pool, tenant, {
          title: label,
          tags: label.split(" "),
          durationS: Number(duration),
        });
        await seedSegments(pool, tenant, id, modelId, segments);
        if (tenant === b.id) bAsset ||= id;
      }
    }
    await pool.query("SELECT earshot_ensure_segment_index($1)", [modelId]);
    await pool.query("ANALYZE segments");

    const worst = worstAllowed();
    const schema = buildSchema(typeDefs);
    const cost = measureCost(schema, parse(worst), undefined, { q: "x", id: bAsset }).cost;
    log(`tenant B's request costs ${cost} points (limit per request ${MAX_COST})`);

    // The API as its own process (`pnpm start`'s command), so the load generator does not share its event loop.
    const port = 4900 + Math.floor(Math.random() * 100);
    const api = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: db.url,
        QUEUE_PREFIX: prefix,
        EMBEDDER_URL: emb.url,
        API_HOST: "127.0.0.1",
        API_PORT: String(port),
        EARSHOT_DATA_DIR: dataDir,
        MEDIA_SIGNING_SECRET: randomBytes(32).toString("hex"),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    stopApi = () => api.kill();
    const url = `http://127.0.0.1:${port}/graphql`;
    for (
      let i = 0;
      i < 120 &&
      !(await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const send = async (bearer: string, query: string, variables: Record<string, unknown>) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { errors?: unknown };
      return { status: res.status, body, retryAfter: res.headers.get("retry-after") };
    };
    const keyOf = async (tenant: string, name: string) =>
      (await createApiKey(pool, tenant, { name, scopes: ["admin"] })).key;

    /** A's ordinary searches, one at a time; a fresh key per phase so A's own budget is the same both times. */
    const measureA = async (name: string) => {
      const key = await keyOf(a.id, name);
      const times: number[] = [];
      for (let i = 0; i < QUERIES + 5; i++) {
        const t = performance.now();
        const r = await send(key, A_QUERY, { q: PHRASES[i % PHRASES.length] });
        if (r.status !== 200 || r.body.errors) throw new Error(`tenant A got ${r.status}: ${JSON.stringify(r.body)}`);
        if (i >= 5) times.push(performance.now() - t);
      }
      log(`${name} latencies in order (ms): ${times.map((t) => t.toFixed(0)).join(" ")}`);
      return { p50: pct(times, 50), p95: pct(times, 95), max: Math.max(...times) };
    };

    log(`tenant A alone: ${QUERIES} searches`);
    const alone = await measureA("a-alone");

    /**
     * Tenant B's workers send the worst allowed document over and over; on a 429 they either wait as Retry-After
     * says (a client within the rules) or, `flood`, send again at once. Runs until A's phase ends.
     */
    const withB = async (name: string, flood: boolean) => {
      log(`${name}: tenant A while tenant B sends its worst allowed traffic over ${WORKERS} connections`);
      const bKey = await keyOf(b.id, name);
      const counts = { ok: 0, limited: 0, other: 0 };
      let stop = false;
      const attack = async (w: number) => {
        for (let i = 0; i < MAX_B_REQUESTS && !stop; i++) {
          const r = await send(bKey, worst, { q: PHRASES[(w + i) % PHRASES.length], id: bAsset });
          if (r.status === 200 && !r.body.errors) counts.ok++;
          else if (r.status === 429) counts.limited++;
          else counts.other++;
          if (r.status === 429 && !flood) {
            const until = Date.now() + Number(r.retryAfter ?? 1) * 1000;
            while (!stop && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
          }
        }
      };
      const workers = Array.from({ length: WORKERS }, (_, w) => attack(w));
      const times = await measureA(name).finally(() => {
        stop = true;
      });
      await Promise.all(workers);
      return { ...times, counts };
    };
    const polite = await withB("b-retry-after", false);
    const flood = await withB("b-flood", true);

    const f = (x: number) => x.toFixed(1);
    const row = (label: string, x: { p50: number; p95: number; max: number }) =>
      `  ${label.padEnd(34)} p50 ${f(x.p50)} ms  p95 ${f(x.p95)} ms  max ${f(x.max)} ms` +
      (x === alone ? "" : `  (p50 x${(x.p50 / alone.p50).toFixed(2)}, p95 x${(x.p95 / alone.p95).toFixed(2)})`);
    const bLine = (label: string, c: { ok: number; limited: number; other: number }) =>
      `  ${label}: ${c.ok} served, ${c.limited} refused with 429, ${c.other} other`;
    const lines = [
      `tenant A searchAudio (CONTENT, first 10), ${QUERIES} requests one at a time:`,
      row("alone", alone),
      row("B within the rules (Retry-After)", polite),
      row("B ignoring 429s (request flood)", flood),
      `tenant B: ${WORKERS} connections, each request ${cost} points (3 searches incl. suggestTags, pages of 100,` +
        " 20 aliases)",
      bLine("within the rules", polite.counts),
      bLine("flooding", flood.counts),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);
