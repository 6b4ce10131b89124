// `pnpm bench:ingest`: ingest throughput (audio seconds per wall second) end to end, beside decode alone and the
// embedder alone, so the bottleneck shows; and the embedder's text latency at concurrency 1, 8 and 64.
// Three sets of files: the modsounds-dev clips as they are (short), the same audio as ~60 s WAV recordings, and the
// archive mix (archive-mix.ts: lengths drawn from the BBC Sound Effects catalogue, 44.1 kHz stereo WAV).
// Runs the real embedder and worker processes (as `pnpm start` does) against a throwaway Postgres database and a
// private Redis prefix. Options: --clips N (default: all of modsounds-dev), --mix N (archive-mix files, default 60,
// 0 = none), --seed S (of the mix), --concurrency N (worker), --no-write (do not touch docs/), --cpu-prof DIR (V8 CPU
// profiles of the embedder and worker processes into DIR, to see where their time goes).
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
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
import { drawDurations, readCatalogueSeconds, seededRandom, writeMixFiles } from "./archive-mix.ts";

const { values: args } = parseArgs({
  options: {
    clips: { type: "string" },
    mix: { type: "string" },
    seed: { type: "string" },
    "no-write": { type: "boolean" },
    concurrency: { type: "string" },
    "cpu-prof": { type: "string" },
  },
});
const DATA = path.join(repoRoot, "../shared/data");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CONCURRENCY = Number(args.concurrency ?? 3); // the worker's default (WORKER_CONCURRENCY)
const MIX_FILES = Number(args.mix ?? 60);
const MIX_SEED = Number(args.seed ?? 5);
/** Longest recording in the mix: the catalogue runs to 1607 s, but files over 600 s hold under 1 % of its audio. */
const MIX_CAP_S = 600;
const CATALOGUE = path.join(DATA, "captions/bbc/BBCSoundEffects.csv");

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
  const profile = args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args["cpu-prof"])}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", script], {
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
  return procCpuSeconds(process.pid);
}

/** CPU seconds of one process and its reaped children (the worker's sox/ffmpeg runs), from /proc. */
function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // Fields after the command: utime=12, stime=13, cutime=14, cstime=15 (0-based here), in clock ticks (100/s).
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

/** A full garbage collection of this process (V8's gc(), exposed at run time for the bench only). */
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/** One set of files measured at every stage. */
interface Scenario {
  /** Column heading. */
  label: string;
  files: string[];
  audioS: number;
  /** Decode alone, as the worker decodes (filled by decodeRun). */
  decode: { pcm: Float32Array[]; wallS: number; cpuS: number };
}

async function main() {
  const startLoad = os.loadavg()[0]?.toFixed(1);
  say(
    `bench:ingest: ${clips.length} clips, ${MIX_FILES} archive-mix files, concurrency ${CONCURRENCY}, load ${startLoad}`,
  );

  // 1. Decode alone, as the worker does (sox for short WAV/FLAC/Ogg Vorbis, else ffmpeg; header facts from the same
  // run), and with ffmpeg for every file (the path before the sox fast path), for comparison.
  const decodeRun = async (files: string[], fastPath = true) => {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const pcm = await pool(files, CONCURRENCY, (f) => decodeAudio(f, { sampleRate: MODEL_SAMPLE_RATE, fastPath }));
    return { pcm, wallS: (performance.now() - t0) / 1000, cpuS: cpuSeconds() - c0 };
  };
  const seconds = (pcm: Float32Array[]) => pcm.reduce((s, p) => s + p.length, 0) / MODEL_SAMPLE_RATE;
  const ffmpegOnly = await decodeRun(clips, false);
  const dec = await decodeRun(clips);
  const audioS = seconds(dec.pcm);
  const short: Scenario = { label: "short clips", files: clips, audioS, decode: dec };

  // The same audio as 60-second recordings (WAV, 16 kHz mono): per-file costs shrink, model cost stays.
  const storageDir = path.join(os.tmpdir(), `earshot-bench-${process.pid}`);
  cleanups.push(() => rm(storageDir, { recursive: true, force: true }));
  const longDir = path.join(storageDir, "long");
  await mkdir(longDir, { recursive: true });
  const longFiles: string[] = [];
  for (const [i, pcm] of longRecordings(dec.pcm, 60).entries()) {
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
  const long: Scenario = { label: "60 s recordings", files: longFiles, audioS, decode: await decodeRun(longFiles) };

  // The archive mix: lengths drawn from the BBC catalogue, 44.1 kHz stereo WAV (archive-mix.ts).
  const scenarios = [short, long];
  let mixDurations: number[] = [];
  if (MIX_FILES > 0) {
    const mixDir = path.join(storageDir, "mix");
    await mkdir(mixDir, { recursive: true });
    const random = seededRandom(MIX_SEED);
    mixDurations = drawDurations(await readCatalogueSeconds(CATALOGUE), MIX_FILES, random, MIX_CAP_S);
    const mixFiles = await writeMixFiles(clips, mixDurations, mixDir, random);
    const mixDec = await decodeRun(mixFiles);
    scenarios.push({ label: "archive mix", files: mixFiles, audioS: seconds(mixDec.pcm), decode: mixDec });
  }
  for (const sc of scenarios) {
    say(
      `decode alone, ${sc.label}: ${sc.audioS.toFixed(0)} s of audio in ${sc.decode.wallS.toFixed(1)} s = ` +
        `${(sc.audioS / sc.decode.wallS).toFixed(0)}x real time (${sc.decode.cpuS.toFixed(1)} CPU s)`,
    );
  }
  say(`decode alone, short clips, ffmpeg only: ${(audioS / ffmpegOnly.wallS).toFixed(0)}x real time`);

  // 2. The embedder service alone (its own process, as deployed), fed decoded PCM.
  const port = await freePort();
  spawnService("apps/embedder/src/main.ts", { EMBEDDER_PORT: String(port) });
  const embedder = children.at(-1)!;
  const embedderUrl = `http://127.0.0.1:${port}`;
  await waitReady(`${embedderUrl}/readyz`);
  const client = new EmbedderClient(embedderUrl, { retries: 5, timeoutMs: 120_000 });
  await client.embedAudio(dec.pcm[0]!); // warm-up
  const embedAlone = new Map<Scenario, { wallS: number; cpuS: number }>();
  for (const sc of scenarios) {
    const t0 = performance.now();
    const c0 = procCpuSeconds(embedder.pid!);
    await pool(sc.decode.pcm, CONCURRENCY, (pcm) => client.embedAudio(pcm));
    const r = { wallS: (performance.now() - t0) / 1000, cpuS: procCpuSeconds(embedder.pid!) - c0 };
    embedAlone.set(sc, r);
    say(
      `embedder alone, ${sc.label}: ${(sc.audioS / r.wallS).toFixed(0)}x real time ` +
        `(${((r.cpuS / sc.audioS) * 60_000).toFixed(0)} ms embedder CPU per audio minute)`,
    );
  }
  // The PCM is no longer needed: let it go before the end-to-end runs (the mix's is ~0.4 GB).
  for (const sc of scenarios) sc.decode.pcm = [];

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
  const owner = createPool(db.ownerUrl, 1); // polls a batch's status outside the tenant
  cleanups.push(() => owner.end());
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
   * the CPU seconds each side used meanwhile (wall time depends on the machine's other load, CPU time less so).
   * The uploader's CPU is counted until the batch is sealed (storing, hashing, queueing), not while this process
   * waits; the wait polls one cheap query, so it adds little to the servers' CPU.
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
    const uploader = cpuSeconds() - c0.uploader;
    const done = async () =>
      (await owner.query("SELECT status FROM upload_batches WHERE id = $1", [batch.id])).rows[0]?.status === "done";
    while (!(await done())) await new Promise((r) => setTimeout(r, 50));
    const wallS = (performance.now() - t0) / 1000;
    const c1 = cpu();
    const failed = (await batchProgress(pg, tenantId, batch.id))!.counts.failed;
    if (failed > 0) say(`warning: ${failed} file(s) failed`);
    const used = {
      worker: c1.worker - c0.worker,
      embedder: c1.embedder - c0.embedder,
      servers: c1.servers - c0.servers,
      uploader,
    };
    return { wallS, cpu: used, cpuS: used.worker + used.embedder + used.servers + used.uploader };
  }
  type Ingested = Awaited<ReturnType<typeof ingest>>;
  /** CPU ms of each side per `per` (files, or audio minutes). */
  const cpuPer = (r: Ingested, per: number) =>
    Object.entries(r.cpu)
      .map(([k, v]) => `${k} ${((v / per) * 1000).toFixed(0)}`)
      .join(", ");
  const e2e = new Map<Scenario, Ingested>();
  for (const sc of scenarios) {
    // Collect this process's garbage (the decoded PCM of the stages above, ~0.4 GB) now, not while the uploader's
    // CPU is being counted.
    collectGarbage();
    const r = await ingest(sc.files);
    e2e.set(sc, r);
    say(
      `end to end, ${sc.label}: ${(sc.audioS / r.wallS).toFixed(0)}x real time ` +
        `(${(sc.files.length / r.wallS).toFixed(2)} files/s); CPU ms per audio minute: ${cpuPer(r, sc.audioS / 60)}`,
    );
  }

  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");
  const n = clips.length;
  const cores = os.cpus().length;
  /** One table row: x real time and files/s per scenario, from the wall (or CPU / cores) seconds each took. */
  const row = (stage: string, secondsOf: (sc: Scenario) => number | undefined) =>
    `| ${stage} | ${scenarios
      .map((sc) => {
        const s = secondsOf(sc);
        return s === undefined ? " | " : `${(sc.audioS / s).toFixed(0)} | ${(sc.files.length / s).toFixed(2)}`;
      })
      .join(" | ")} |`;
  const mix = scenarios[2];
  const mixStats = (() => {
    const d = [...mixDurations].sort((a, b) => a - b);
    return mix
      ? `${d.length} recordings of the archive mix (lengths drawn with seed ${MIX_SEED} from the BBC Sound Effects ` +
          `catalogue, capped at ${MIX_CAP_S} s: median ${pct(d, 0.5).toFixed(0)} s, mean ` +
          `${(mix.audioS / d.length).toFixed(0)} s, p10 ${pct(d, 0.1).toFixed(0)} s, p90 ${pct(d, 0.9).toFixed(0)} s, ` +
          `${mix.audioS.toFixed(0)} s in all; modsounds-dev audio as 44.1 kHz 16-bit stereo WAV)`
      : "no archive mix (--mix 0)";
  })();
  const model = await client.model();
  const section = [
    "<!-- bench:ingest -->",
    "## Ingest and embedder (`pnpm bench:ingest`)",
    "",
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${cores} cores (load average ${startLoad} at the start, ` +
      `${load} (1/5/15 min) at the end), model ${model.name}@${model.version}, worker concurrency ${CONCURRENCY}. ` +
      `Files: ${n} modsounds-dev clips (Ogg Vorbis, ${audioS.toFixed(0)} s of audio, ${(audioS / n).toFixed(1)} s on ` +
      `average); the same audio as ${long.files.length} WAV recordings of ~60 s (16 kHz mono); ${mixStats}.`,
    "",
    `| stage | ${scenarios.map((sc) => `${sc.label}: x real time | files/s`).join(" | ")} |`,
    `|---|${scenarios.map(() => "---|---|").join("")}`,
    row("decode alone, ffmpeg for every file (before the sox fast path)", (sc) =>
      sc === short ? ffmpegOnly.wallS : undefined,
    ),
    row(
      `decode alone, as the worker decodes (short clips: ${((dec.cpuS / n) * 1000).toFixed(0)} ms CPU per clip, ` +
        `ffmpeg ${((ffmpegOnly.cpuS / n) * 1000).toFixed(0)} ms)`,
      (sc) => sc.decode.wallS,
    ),
    row(`decode ceiling on ${cores} idle cores (from CPU time)`, (sc) => sc.decode.cpuS / cores),
    row("embedder alone (PCM over HTTP, audio lane)", (sc) => embedAlone.get(sc)!.wallS),
    row("end to end (store, queue, worker: decode + embedder + Postgres)", (sc) => e2e.get(sc)!.wallS),
    row(
      `end to end ceiling on ${cores} idle cores (from the CPU time of every process involved)`,
      (sc) => e2e.get(sc)!.cpuS / cores,
    ),
    "",
    `End-to-end CPU per short clip: ${cpuPer(e2e.get(short)!, n)} ms (worker includes its sox/ffmpeg runs; servers =`,
    `Postgres and Redis; uploader = hashing, storing and queueing). Per 60 s recording: ${cpuPer(e2e.get(long)!, long.files.length)} ms.`,
    ...(mix ? [`Archive mix, per audio minute: ${cpuPer(e2e.get(mix)!, mix.audioS / 60)} ms.`] : []),
    "",
    "Wall-time rows scale with the load average printed above (other jobs share the cores); the ceiling rows are",
    `what ${cores} otherwise idle cores could do from the CPU time measured (of decoding; of every process end to end).`,
    "CPU time itself grows under load (shared caches and cores): compare ceilings only between runs at similar load.",
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
  // Let the services stop by themselves (at most 10 s) before their database goes: a clean exit also writes the
  // --cpu-prof profiles.
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => {
          c.once("exit", r);
          setTimeout(r, 10_000).unref();
        });
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map(exited));
  for (const fn of cleanups.reverse()) await fn().catch(() => {});
}
process.exit(0);
