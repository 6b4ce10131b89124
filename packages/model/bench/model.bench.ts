// `pnpm bench:model`: text query latency (p50/p99, one query per call) and audio encoding speed (x real time) of
// a model bundle on one ONNX thread. Run under `taskset -c 0` to hold it to one core. --write replaces the
// bench:model section of docs/benchmarks.md with this run's table.
//   taskset -c 0 pnpm bench:model [--model DIR] [--audio-dir DIR] [--clips N] [--write]
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { decodeAudio, MODEL_SAMPLE_RATE } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import { loadModelBundle } from "../src/index.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    "audio-dir": { type: "string", default: path.join(repoRoot, "../shared/data/modsounds-dev/audio") },
    clips: { type: "string", default: "40" },
    write: { type: "boolean", default: false },
  },
});

const QUERIES = [
  "a dog barks",
  "a dog barks, then a door slams while rain falls",
  "heavy rain on a tin roof",
  "a man talking as music plays, then a frog croaks",
  "footsteps on gravel",
  "a car engine starts and idles",
  "birds chirping in the distance with wind blowing",
  "glass breaking",
  "a crowd cheers and applauds loudly after a speech",
  "water dripping in a cave",
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const bundle = await loadModelBundle(values.model, { intraOpThreads: 1 });
console.log(`bundle ${bundle.name} ${bundle.version} (${bundle.manifest.architecture}, dim ${bundle.dim})`);

// Text: one query per call, as the search API does.
for (let i = 0; i < 50; i++) await bundle.encodeTexts([QUERIES[i % QUERIES.length]!]);
const lat: number[] = [];
const textCpu0 = process.cpuUsage();
for (let i = 0; i < 2000; i++) {
  const t = performance.now();
  await bundle.encodeTexts([QUERIES[i % QUERIES.length]!]);
  lat.push(performance.now() - t);
}
const textCpu = process.cpuUsage(textCpu0);
const cpuPerQueryMs = (textCpu.user + textCpu.system) / 1000 / lat.length;
const t64 = performance.now();
for (let i = 0; i < 20; i++) await bundle.encodeTexts(Array.from({ length: 64 }, (_, k) => QUERIES[k % 10]!));
const perText64 = (performance.now() - t64) / (20 * 64);
console.log(
  `text: p50 ${pct(lat, 50).toFixed(3)} ms, p99 ${pct(lat, 99).toFixed(3)} ms per query (n=${lat.length}), ` +
    `${cpuPerQueryMs.toFixed(3)} ms CPU per query; ` +
    `batches of 64: ${perText64.toFixed(3)} ms per text`,
);

// Audio: decode first (not timed as encoding), then features + audio tower per clip.
const dir = values["audio-dir"];
// The largest files: long clips have several overlapping windows, as archive recordings do.
const files = readdirSync(dir)
  .filter((f) => /\.(ogg|wav|flac|mp3)$/i.test(f))
  .map((f) => ({ f, size: statSync(path.join(dir, f)).size }))
  .sort((a, b) => b.size - a.size || a.f.localeCompare(b.f))
  .slice(0, Number(values.clips))
  .map((x) => x.f);
const clips: Float32Array[] = [];
const td = performance.now();
for (const f of files) clips.push(await decodeAudio(path.join(dir, f)));
const decodeS = (performance.now() - td) / 1000;
const audioS = clips.reduce((a, c) => a + c.length / MODEL_SAMPLE_RATE, 0);
await bundle.encodeAudio(clips[0]!); // warm-up
let featS = 0;
let segments = 0;

for (const c of clips) {
  const tf = performance.now();
  await bundle.computeExpertInputs(c);
  featS += (performance.now() - tf) / 1000;
}
const featOnly = featS;
const tb = performance.now();
const cpu0 = process.cpuUsage();
for (const c of clips) segments += (await bundle.encodeAudio(c)).length;
const encodeS = (performance.now() - tb) / 1000;
const cpu = process.cpuUsage(cpu0);
// CPU seconds of this process (all threads): what the work costs one idle core, whatever else the machine runs.
const encodeCpuS = (cpu.user + cpu.system) / 1e6;

console.log(
  `audio: ${clips.length} clips, ${audioS.toFixed(1)} s, ${segments} segments: encode ${encodeS.toFixed(2)} s = ` +
    `${Math.round(audioS / encodeS)}x real time wall-clock, ${Math.round(audioS / encodeCpuS)}x per CPU second ` +
    `(features alone ${Math.round(audioS / featOnly)}x wall-clock); ` +
    `decode with ffmpeg ${Math.round(audioS / decodeS)}x`,
);
await bundle.close();

if (values.write) {
  const load = os.loadavg()[0]!.toFixed(1);
  const section = [
    "<!-- bench:model -->",
    "## Model encoders (`taskset -c 0 pnpm bench:model --write`)",
    "",
    `Run ${new Date().toISOString().slice(0, 16)}Z, model ${bundle.name}@${bundle.version} (${bundle.manifest.architecture}, ` +
      `dim ${bundle.dim}), one ONNX thread, pinned to one core, load average ${load} on the 2-core machine (other ` +
      "work running, so wall times are inflated; CPU seconds of the process are the fair single-core figure).",
    "",
    "| what | result |",
    "|---|---|",
    `| text query, one per call (n=${lat.length}) | p50 ${pct(lat, 50).toFixed(3)} ms, p99 ${pct(lat, 99).toFixed(3)} ms wall; ${cpuPerQueryMs.toFixed(3)} ms CPU |`,
    `| text, batches of 64 | ${perText64.toFixed(3)} ms per text |`,
    `| audio encode (features + audio tower), ${clips.length} largest modsounds-dev clips, ${audioS.toFixed(0)} s, ${segments} segments | ` +
      `${Math.round(audioS / encodeS)}x real time wall-clock, ${Math.round(audioS / encodeCpuS)}x per CPU second |`,
    `| of which feature frontends alone | ${Math.round(audioS / featOnly)}x real time wall-clock |`,
    `| decode with ffmpeg (not part of encoding) | ${Math.round(audioS / decodeS)}x real time wall-clock |`,
    "<!-- /bench:model -->",
  ].join("\n");
  const file = path.join(repoRoot, "docs/benchmarks.md");
  const doc = readFileSync(file, "utf8");
  const re = /<!-- bench:model -->[\s\S]*<!-- \/bench:model -->/;
  writeFileSync(file, re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`);
  console.log(`wrote ${file}`);
}
