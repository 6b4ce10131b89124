// Where audio-embedding time goes, for the GPU projection in docs/deploy.md: decoding (ffmpeg), the feature
// front-ends computed in JavaScript on the CPU (log-mel, spectral descriptors), and the ONNX towers (the only
// part a CUDA execution provider speeds up). One ONNX thread, on long audio so per-file overheads do not dominate.
//   pnpm --filter @earshot/deploy bench:embed-split [-- --minutes 5]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { decodeAudio, MODEL_SAMPLE_RATE } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import { loadModelBundle } from "@earshot/model";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "5" } } });
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 30)) throw new Error("--minutes must be in (0, 30]");

const data = path.resolve(repoRoot, "../shared/data/modsounds-dev");
const files = readFileSync(path.join(data, "manifest.csv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => path.join(data, l.split(",")[0] as string));

// One long file: the clips concatenated (repeated) up to the requested length, encoded once as Ogg Vorbis.
const tmp = mkdtempSync(path.join(os.tmpdir(), "earshot-split-"));
try {
  const list = path.join(tmp, "list.txt");
  const entries: string[] = [];
  let total = 0;
  const durations = readFileSync(path.join(data, "manifest.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => Number(l.split(",")[2]));
  for (let i = 0; total < minutes * 60; i = (i + 1) % files.length) {
    entries.push(`file '${files[i]}'`);
    total += durations[i] as number;
  }
  writeFileSync(list, entries.join("\n"));
  const long = path.join(tmp, "long.ogg");
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-f",
    "concat",
    "-safe",
    "0",
    "-i",
    list,
    "-ac",
    "1",
    "-c:a",
    "libvorbis",
    long,
  ]);

  let t = performance.now();
  const pcm = await decodeAudio(long, { sampleRate: MODEL_SAMPLE_RATE });
  const decodeS = (performance.now() - t) / 1000;
  const audioS = pcm.length / MODEL_SAMPLE_RATE;

  const model = await loadModelBundle(undefined, { intraOpThreads: 1 });
  await model.encodeAudio(pcm.subarray(0, MODEL_SAMPLE_RATE * 20)); // warm-up
  t = performance.now();
  await model.computeExpertInputs(pcm);
  const featuresS = (performance.now() - t) / 1000;
  t = performance.now();
  const segments = await model.encodeAudio(pcm);
  const totalS = (performance.now() - t) / 1000;
  await model.close();

  const onnxS = Math.max(0, totalS - featuresS);
  const row = (name: string, s: number) =>
    `| ${name} | ${s.toFixed(2)} | ${(audioS / s).toFixed(0)} | ${((100 * s) / (decodeS + totalS)).toFixed(0)}% |`;
  console.log(`${audioS.toFixed(0)} s of audio (one file), ${segments.length} segments, model ${model.version}`);
  console.log("| stage | seconds | x real time | share |");
  console.log("|---|---|---|---|");
  console.log(row("decode (decodeAudio: sox for this Ogg file, else ffmpeg; to 16 kHz mono)", decodeS));
  console.log(row("feature front-ends (JavaScript, CPU)", featuresS));
  console.log(row("ONNX towers (1 thread)", onnxS));
  console.log(row("embedding total (features + ONNX)", totalS));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
