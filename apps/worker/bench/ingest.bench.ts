// `pnpm bench:ingest`: ingest throughput (audio seconds per wall second) end to end, beside decode alone and the
// embedder alone, so the bottleneck shows; and the embedder's text latency at concurrency 1, 8 and 64.
// Runs the real embedder and worker processes (as `pnpm start` does) against a throwaway Postgres database and a
// private Redis prefix. Options: --clips N (default: all of modsounds-dev), --no-write (do not touch docs/).
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { decodeAudio, encodeWav, MODEL_SAMPLE_RATE } from "@earshot/audio";
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

/** CPU seconds of one process and its reaped children (the worker's sox/ffmpeg runs), from /proc. */
function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) / 100;
}

/** CPU seconds of every running Postgres and Redis server process (the database side of ingest). */
function serverCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (/^\d+ \((postgres|redis-server)\)/.test(stat)) total += procCpuSeconds(Number(pid));
    } catch {} // the process ended meanwhile
  }
  return total;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function main() {
  const startLoad = os.loadavg()[0]?.toFixed(1);
  say(`bench:ingest: ${clips.length} clips, concurrency ${CONCURRENCY}, load average ${startLoad}`);

  // 1. Decode alone, as the worker does (sox for short WAV/FLAC/Ogg Vorbis, else ffmpeg; header facts from the same
  // run), and with ffmpeg for every file (the path before the sox fast path), for comparison.
  const decodeRun = async (files: string[], fastPath: boolean) => {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const pcm = await pool(files, CONCURRENCY, (f) => decodeAudio(f, { sampleRate: MODEL_SAMPLE_RATE, fastPath }));
    return { pcm, wallS: (performance.now() - t0) / 1000, cpuS: cpuSeconds() - c0 };
  };
  const ffmpegOnly = await decodeRun(clips, false);
  const dec = await decodeRun(clips, true);
  const decoded = dec.pcm;
  const audioS = decoded.reduce((s, p) => s + p.length, 0) / MODEL_SAMPLE_RATE;
  for (const [name, r] of [
    ["ffmpeg only", ffmpegOnly],
    ["default (sox fast path)", dec],
  ] as const) {
    say(
      `decode alone, ${name}: ${audioS.toFixed(0)} s of audio in ${r.wallS.toFixed(1)} s = ` +
        `${(audioS / r.wallS).toFixed(0)}x real time (${r.cpuS.toFixed(1)} CPU s)`,
    );
  }

  // The same audio as 60-second recordings (WAV, 16 kHz mono): per-file costs shrink, model cost stays.
  const storageDir = path.join(os.tmpdir(), `earshot-bench-${process.pid}`);
  cleanups.push(() => rm(storageDir, { recursive: true, force: true }));
  const longDir = path.join(storageDir, "long");
  await mkdir(longDir, { recursive: true });
  const long = longRecordings(decoded, 60);
  const longFiles: string[] = [];
  for (const [i, pcm] of long.entries()) {
    // A tiny gain change keeps the content (and so the sha256) distinct from the clips ingested.
    const f = path.join(longDir, `long-${i}.wav`);
    await writeFile(
      f,
      encodeWav(
        pcm.map((x) => x * 0.99),
        { sampleRate: MODEL_SAMPLE_RATE },
      ),
    );
    longFiles.push(f);
  }
  const longDec = await decodeRun(longFiles, true);
  say(`decode alone, ${long.length} x 60 s WAV: ${(audioS / longDec.wallS).toFixed(0)}x real time`);

  // 2. The embedder service alone (its own process, as deployed), fed decoded PCM.
  const port = await freePort();
  spawnService("apps/embedder/src/main.ts", { EMBEDDER_PORT: String(port) });
  const embedder = children.at(-1)!;
  const embedderUrl = `http://127.0.0.1:${port}`;
  await waitReady(`${embedderUrl}/readyz`);
  const client = new EmbedderClient(embedderUrl, { retries: 5 });
  await client.embedAudio(decoded[0]!); // warm-up
  const embedRun = async (pcms: Float32Array[]) => {
    const t0 = performance.now();
    await pool(pcms, CONCURRENCY, (pcm) => client.embedAudio(pcm));
    return (performance.now() - t0) / 1000;
  };
  const embedS = await embedRun(decoded);
  say(
    `embedder alone (audio): ${(audioS / embedS).toFixed(0)}x real time (${(decoded.length / embedS).toFixed(1)} clips/s)`,
  );
  const longEmbedS = await embedRun(longDec.pcm);
  say(`embedder alone, ${long.length} x 60 s: ${(audioS / longEmbedS).toFixed(0)}x real time`);

  // 3. Text latency and throughput at several concurrencies.
  const textRows: string[] = [];
  for (const c of [1, 8, 64]) {
    const n = Math.max(200, c * 25);
    const lat: number[] = [];
    await client.embedTexts(["warm up"]);
    const t = performance.now();
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
  const worker = spawnService("apps/worker/src/main.ts", {
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

  /**
   * Stores and queues the files, then waits for the batch: wall seconds from the first byte stored to done, and
   * the CPU seconds each side used meanwhile (wall time depends on the machine's other load, CPU time hardly).
   */
  async function ingest(files: string[]) {
    const cpu = () => ({
      worker: procCpuSeconds(worker.pid!),
      embedder: procCpuSeconds(embedder.pid!),
      servers: serverCpuSeconds(),
      uploader: cpuSeconds(),
    });
    const c0 = cpu();
    const t0 = performance.now();
    const batch = await createUploadBatch(pg, tenantId, { source: "bench" });
    for (const f of files) await addUploadFile(ctx, batch.id, { filename: path.basename(f), source: { path: f } });
    await sealUploadBatch(ctx, batch.id);
    for (;;) {
      const p = (await batchProgress(pg, tenantId, batch.id))!;
      if (p.status === "done") {
        if (p.counts.failed > 0) say(`warning: ${p.counts.failed} file(s) failed`);
        const wallS = (performance.now() - t0) / 1000;
        const c1 = cpu();
        const used = {
          worker: c1.worker - c0.worker,
          embedder: c1.embedder - c0.embedder,
          servers: c1.servers - c0.servers,
          uploader: c1.uploader - c0.uploader,
        };
        return { s: wallS, cpu: used, cpuS: used.worker + used.embedder + used.servers + used.uploader };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const e2e = await ingest(clips);
  const perFile = (r: Awaited<ReturnType<typeof ingest>>, files: number) =>
    Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${((v / files) * 1000).toFixed(0)}`)
      .join(", ");
  say(
    `end to end: ${(audioS / e2e.s).toFixed(0)}x real time (${(clips.length / e2e.s).toFixed(1)} files/s); ` +
      `CPU ms per file: ${perFile(e2e, clips.length)}`,
  );

  const longE2e = await ingest(longFiles);
  say(
    `end to end, ${long.length} x 60 s recordings: ${(audioS / longE2e.s).toFixed(0)}x real time; ` +
      `CPU ms per file: ${perFile(longE2e, long.length)}`,
  );

  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");
  const n = clips.length;
  const row = (stage: string, short: { s: number } | null, longRun: { s: number } | null) =>
    `| ${stage} | ${short ? (audioS / short.s).toFixed(0) : ""} | ${short ? (n / short.s).toFixed(1) : ""} | ` +
    `${longRun ? (audioS / longRun.s).toFixed(0) : ""} | ${longRun ? (long.length / longRun.s).toFixed(2) : ""} |`;
  const cores = os.cpus().length;
  const section = [
    "<!-- bench:ingest -->",
    "## Ingest and embedder (`pnpm bench:ingest`)",
    "",
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${cores} cores (load average ${startLoad} at the start, ` +
      `${load} (1/5/15 min) at the end), model ${(await client.model()).name}@${(await client.model()).version}, ` +
      `${n} modsounds-dev clips (Ogg Vorbis, ${audioS.toFixed(0)} s of audio, ${(audioS / n).toFixed(1)} s on average) ` +
      `and the same audio as ${long.length} WAV recordings of ~60 s, worker concurrency ${CONCURRENCY}.`,
    "",
    `| stage | short clips: x real time | files/s | 60 s recordings: x real time | files/s |`,
    "|---|---|---|---|---|",
    row("decode alone, ffmpeg for every file (before the sox fast path)", { s: ffmpegOnly.wallS }, null),
    row(
      `decode alone, as the worker decodes (sox fast path; ${((dec.cpuS / n) * 1000).toFixed(0)} ms CPU per clip, ` +
        `ffmpeg ${((ffmpegOnly.cpuS / n) * 1000).toFixed(0)} ms)`,
      { s: dec.wallS },
      { s: longDec.wallS },
    ),
    row(`decode ceiling on ${cores} idle cores (from CPU time)`, { s: dec.cpuS / cores }, { s: longDec.cpuS / cores }),
    row("embedder alone (PCM over HTTP, audio lane)", { s: embedS }, { s: longEmbedS }),
    row("end to end (store, queue, worker: decode + embedder + Postgres)", e2e, longE2e),
    row(
      `end to end ceiling on ${cores} idle cores (from the CPU time of every process involved)`,
      {
        s: e2e.cpuS / cores,
      },
      { s: longE2e.cpuS / cores },
    ),
    "",
    `End-to-end CPU per short clip: ${perFile(e2e, n)} ms (worker includes its sox/ffmpeg runs; servers = Postgres`,
    `and Redis; uploader = hashing, storing and queueing). Per 60 s recording: ${perFile(longE2e, long.length)} ms.`,
    "",
    "Wall-time rows scale with the load average printed above (other jobs share the cores); the ceiling rows are",
    "what idle cores could do from measured CPU time (of decoding; of every process end to end), which other load",
    "hardly changes.",
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
