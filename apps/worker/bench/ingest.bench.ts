// `pnpm bench:ingest`: ingest throughput (audio seconds per wall second) end to end, beside decode alone and the
// embedder alone, so the bottleneck shows; and the embedder's text latency at concurrency 1, 8 and 64.
// Runs the real embedder and worker processes (as `pnpm start` does) against a throwaway Postgres database and a
// private Redis prefix. Options: --clips N (default: all of modsounds-dev), --no-write (do not touch docs/).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { decodeAudio, MODEL_SAMPLE_RATE } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import { createPool } from "@earshot/db";
import { createTestDatabase } from "@earshot/db/testing";
import { EmbedderClient } from "@earshot/embedder-client";
import {
  addUploadFile,
  batchProgress,
  createIngestQueues,
  createUploadBatch,
  LocalStorage,
  purgeQueuePrefix,
  sealUploadBatch,
} from "@earshot/ingest";
import { parse } from "csv-parse/sync";

const { values: args } = parseArgs({
  options: { clips: { type: "string" }, "no-write": { type: "boolean" }, concurrency: { type: "string" } },
});
const DATA = path.join(repoRoot, "../shared/data");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CONCURRENCY = Number(args.concurrency ?? 2);

const manifest = parse(await readFile(path.join(DATA, "modsounds-dev/manifest.csv"), "utf8"), {
  columns: true,
}) as Array<{
  file: string;
}>;
const clips = manifest
  .slice(0, args.clips ? Number(args.clips) : undefined)
  .map((r) => path.join(DATA, "modsounds-dev", r.file));
const captions = (
  parse(await readFile(path.join(DATA, "captions/audiocaps/test.csv"), "utf8"), { columns: true }) as Array<{
    caption: string;
  }>
).map((r) => r.caption);

const say = (s: string) => process.stderr.write(`${s}\n`);
const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

async function pool<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function spawnService(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

async function waitReady(url: string) {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready`);
}

/** 16-bit mono PCM WAV: the long-recording case, built from the decoded clips back to back. */
function wav(pcm: Float32Array, rate: number): Buffer {
  const data = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++)
    data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(pcm[i]! * 32767))), i * 2);
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

function longRecordings(decoded: Float32Array[], seconds: number): Float32Array[] {
  const out: Float32Array[] = [];
  let parts: Float32Array[] = [];
  let n = 0;
  const flush = () => {
    const joined = new Float32Array(n);
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    out.push(joined);
    parts = [];
    n = 0;
  };
  for (const p of decoded) {
    parts.push(p);
    n += p.length;
    if (n >= seconds * MODEL_SAMPLE_RATE) flush();
  }
  if (n > 0) flush();
  return out;
}

/**
 * CPU seconds used by this process and its finished children (ffprobe, ffmpeg): unlike wall time, this does not
 * depend on what else the machine runs, so it gives the ceiling on idle cores.
 */
function cpuSeconds(): number {
  const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  // Fields after the command: utime=12, stime=13, cutime=14, cstime=15 (0-based here), in clock ticks (100/s).
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) / 100;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function main() {
  say(`bench:ingest: ${clips.length} clips, concurrency ${CONCURRENCY}, load average ${os.loadavg()[0]?.toFixed(1)}`);

  // 1. Decode alone: one ffmpeg run per file to 16 kHz mono (header facts from the same run), as the worker does.
  let t = performance.now();
  const cpu0 = cpuSeconds();
  const decoded = await pool(clips, CONCURRENCY, (f) => decodeAudio(f, { sampleRate: MODEL_SAMPLE_RATE }));
  const decodeS = (performance.now() - t) / 1000;
  const decodeCpuS = cpuSeconds() - cpu0;
  const audioS = decoded.reduce((s, p) => s + p.length, 0) / MODEL_SAMPLE_RATE;
  say(
    `decode alone: ${audioS.toFixed(0)} s of audio in ${decodeS.toFixed(1)} s = ${(audioS / decodeS).toFixed(0)}x real time ` +
      `(${decodeCpuS.toFixed(1)} CPU s)`,
  );

  // 2. The embedder service alone (its own process, as deployed), fed decoded PCM.
  const port = await freePort();
  spawnService("apps/embedder/src/main.ts", { EMBEDDER_PORT: String(port) });
  const embedderUrl = `http://127.0.0.1:${port}`;
  await waitReady(`${embedderUrl}/readyz`);
  const client = new EmbedderClient(embedderUrl, { retries: 5 });
  await client.embedAudio(decoded[0]!); // warm-up
  t = performance.now();
  await pool(decoded, CONCURRENCY, (pcm) => client.embedAudio(pcm));
  const embedS = (performance.now() - t) / 1000;
  say(
    `embedder alone (audio): ${(audioS / embedS).toFixed(0)}x real time (${(decoded.length / embedS).toFixed(1)} clips/s)`,
  );

  // 3. Text latency and throughput at several concurrencies.
  const textRows: string[] = [];
  for (const c of [1, 8, 64]) {
    const n = Math.max(200, c * 25);
    const lat: number[] = [];
    await client.embedTexts(["warm up"]);
    t = performance.now();
    await pool(
      Array.from({ length: n }, (_, i) => captions[i % captions.length]!),
      c,
      async (text) => {
        const t0 = performance.now();
        await client.embedTexts([text]);
        lat.push(performance.now() - t0);
      },
    );
    const wall = (performance.now() - t) / 1000;
    lat.sort((a, b) => a - b);
    const row = `| ${c} | ${n} | ${pct(lat, 0.5).toFixed(1)} | ${pct(lat, 0.99).toFixed(1)} | ${(n / wall).toFixed(0)} |`;
    textRows.push(row);
    say(
      `text c=${c}: p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms, ${(n / wall).toFixed(0)} req/s`,
    );
  }

  // 4. End to end: files into storage and the queue, the worker process decodes, embeds and writes Postgres.
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  const pg = createPool(db.url, 4);
  cleanups.push(() => pg.end());
  const prefix = `bench-${process.pid}`;
  const queues = createIngestQueues({ redisUrl: REDIS_URL, prefix });
  cleanups.push(async () => {
    await purgeQueuePrefix(queues.redis, prefix);
    await queues.close();
  });
  const storageDir = path.join(os.tmpdir(), `earshot-bench-${process.pid}`);
  cleanups.push(() => rm(storageDir, { recursive: true, force: true }));
  spawnService("apps/worker/src/main.ts", {
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    STORAGE_DIR: storageDir,
    EMBEDDER_URL: embedderUrl,
    WORKER_CONCURRENCY: String(CONCURRENCY),
    WORKER_METRICS_PORT: "0",
  });
  const { rows } = await pg.query("INSERT INTO tenants (slug, name) VALUES ('bench', 'Bench') RETURNING id");
  const tenantId = rows[0].id as string;
  const ctx = { pool: pg, tenantId, storage: new LocalStorage(storageDir), queues };
  while ((await queues.ingest.getWorkers()).length === 0) await new Promise((r) => setTimeout(r, 100));

  /** Stores and queues the files, then waits for the batch: wall seconds from the first byte stored to done. */
  async function ingest(files: string[]): Promise<number> {
    const t0 = performance.now();
    const batch = await createUploadBatch(pg, tenantId, { source: "bench" });
    for (const f of files) await addUploadFile(ctx, batch.id, { filename: path.basename(f), source: { path: f } });
    await sealUploadBatch(ctx, batch.id);
    for (;;) {
      const p = (await batchProgress(pg, tenantId, batch.id))!;
      if (p.status === "done") {
        if (p.counts.failed > 0) say(`warning: ${p.counts.failed} file(s) failed`);
        return (performance.now() - t0) / 1000;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const e2eS = await ingest(clips);
  say(`end to end: ${(audioS / e2eS).toFixed(0)}x real time (${(clips.length / e2eS).toFixed(1)} files/s)`);

  // 5. The same audio as 60-second recordings (WAV, 16 kHz mono): per-file costs shrink, model cost stays.
  const longDir = path.join(storageDir, "long");
  await mkdir(longDir, { recursive: true });
  const long = longRecordings(decoded, 60);
  const longFiles: string[] = [];
  for (const [i, pcm] of long.entries()) {
    // A tiny offset per file keeps the content (and so the sha256) distinct from the clips already ingested.
    const f = path.join(longDir, `long-${i}.wav`);
    await writeFile(
      f,
      wav(
        pcm.map((x) => x * 0.99),
        MODEL_SAMPLE_RATE,
      ),
    );
    longFiles.push(f);
  }
  const longS = await ingest(longFiles);
  say(`end to end, ${long.length} x 60 s recordings: ${(audioS / longS).toFixed(0)}x real time`);

  const load = os.loadavg()[0]?.toFixed(1);
  const section = [
    "<!-- bench:ingest -->",
    "## Ingest and embedder (`pnpm bench:ingest`)",
    "",
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${os.cpus().length} cores (load average ${load} at the end), model ` +
      `${(await client.model()).name}@${(await client.model()).version}, ${clips.length} modsounds-dev clips ` +
      `(${audioS.toFixed(0)} s of audio, ${(audioS / clips.length).toFixed(1)} s on average), worker concurrency ${CONCURRENCY}.`,
    "",
    "| stage | x real time | files/s |",
    "|---|---|---|",
    `| decode alone (one ffmpeg run per file, to 16 kHz mono) | ${(audioS / decodeS).toFixed(0)} | ${(clips.length / decodeS).toFixed(1)} |`,
    `| decode ceiling on ${os.cpus().length} idle cores (from its CPU time: ${((decodeCpuS / clips.length) * 1000).toFixed(0)} ms per file) | ${((audioS / decodeCpuS) * os.cpus().length).toFixed(0)} | ${((clips.length / decodeCpuS) * os.cpus().length).toFixed(1)} |`,
    `| embedder alone (PCM over HTTP, audio lane) | ${(audioS / embedS).toFixed(0)} | ${(clips.length / embedS).toFixed(1)} |`,
    `| end to end (store, queue, worker, embedder, Postgres) | ${(audioS / e2eS).toFixed(0)} | ${(clips.length / e2eS).toFixed(1)} |`,
    `| end to end, same audio as ${long.length} recordings of ~60 s (WAV) | ${(audioS / longS).toFixed(0)} | ${(long.length / longS).toFixed(2)} |`,
    "",
    "Reading it: every file costs an ffmpeg process (decoding to 16 kHz, also reading the header), so short clips are",
    "decode-bound; the ceiling row is what idle cores could do from the measured CPU time, independent of other load.",
    "The 60 s recordings show the pipeline once per-file costs are spread over more audio. Wall-time rows scale with",
    "the load average printed above (other jobs share the 2 cores).",
    "",
    "Embedder text queries (one caption per request, AudioCaps test captions, dynamic batching on):",
    "",
    "| concurrency | requests | p50 ms | p99 ms | requests/s |",
    "|---|---|---|---|---|",
    ...textRows,
    "<!-- /bench:ingest -->",
  ].join("\n");
  process.stdout.write(`${section}\n`);
  if (!args["no-write"]) {
    const file = path.join(repoRoot, "docs/benchmarks.md");
    const doc = await readFile(file, "utf8");
    const re = /<!-- bench:ingest -->[\s\S]*<!-- \/bench:ingest -->/;
    await writeFile(file, re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`);
    say("written to docs/benchmarks.md");
  }
}

try {
  await main();
} finally {
  for (const c of children) c.kill("SIGTERM");
  for (const fn of cleanups.reverse()) await fn().catch(() => {});
}
process.exit(0);
