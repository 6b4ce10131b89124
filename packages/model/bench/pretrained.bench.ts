// Speed of the pretrained experts (models/pretrained, made by scripts/setup.sh) on 10 s of audio: front end
// and network separately, one ONNX thread, median of the runs. Run under `taskset -c 0` to hold it to one core.
//   taskset -c 0 pnpm exec tsx packages/model/bench/pretrained.bench.ts [--runs N]
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  EFFICIENTAT_BANDS,
  EFFICIENTAT_SAMPLE_RATE,
  efficientatLogMel,
  PretrainedExpert,
  upsample2x,
  YAMNET_BANDS,
  YAMNET_PATCH_FRAMES,
  yamnetPatches,
} from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import * as ort from "onnxruntime-node";

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" } } });
const runs = Number(values.runs);
const SECONDS = 10;
const dir = join(repoRoot, "models/pretrained");

/** A 10 s test signal with some structure: a chirp over noise. */
function signal(rate: number): Float32Array {
  return Float32Array.from(
    { length: SECONDS * rate },
    (_, i) => 0.3 * Math.sin(2 * Math.PI * (200 + (i / rate) * 300) * (i / rate)) + 0.05 * (Math.random() - 0.5),
  );
}

async function median(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const opts = { intraOpNumThreads: 1, interOpNumThreads: 1 };
const yamnet = await ort.InferenceSession.create(join(dir, "yamnet.onnx"), opts);
const mn04 = await ort.InferenceSession.create(join(dir, "mn04.onnx"), opts);
const yamnetExpert = await PretrainedExpert.load(join(dir, "yamnet.onnx"), "yamnet_embedding");
const mn04Expert = await PretrainedExpert.load(join(dir, "mn04.onnx"), "mn04_embedding");
const pcm16 = signal(16000);
const pcm32 = signal(EFFICIENTAT_SAMPLE_RATE);
const patches = yamnetPatches(pcm16);
const mel = efficientatLogMel(pcm32);
const rows = [
  ["yamnet front end", await median(() => yamnetPatches(pcm16))],
  [
    "yamnet network",
    await median(() =>
      yamnet.run({
        patches: new ort.Tensor("float32", patches.data, [patches.patches, YAMNET_PATCH_FRAMES, YAMNET_BANDS]),
      }),
    ),
  ],
  ["mn04 front end", await median(() => efficientatLogMel(pcm32))],
  [
    "mn04 network",
    await median(() =>
      mn04.run({ logmel: new ort.Tensor("float32", mel.data, [1, 1, EFFICIENTAT_BANDS, mel.frames]) }),
    ),
  ],
  // As served and cached (PretrainedExpert): mn04 on 1 s windows every 0.5 s of the upsampled 16 kHz clip.
  ["mn04 upsample 16 -> 32 kHz", await median(() => upsample2x(pcm16))],
  ["yamnet expert (front end + network)", await median(() => yamnetExpert.run(pcm16))],
  ["mn04 expert (upsample + front end + windows)", await median(() => mn04Expert.run(pcm16))],
] as const;
console.log(`| step (10 s of audio, 1 thread) | ms | x real time |\n|---|---|---|`);
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} | ${((SECONDS * 1000) / ms).toFixed(0)} |`);
console.log(`yamnet: ${patches.patches} patches; mn04: ${mel.frames} frames`);
