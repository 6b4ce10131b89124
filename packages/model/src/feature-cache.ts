// The training feature cache: every expert's input sequence for a list of clips, computed by the serving code
// (decodeAudio + computeExpertInputs) and written as flat float32 files numpy can memory-map.
// Format: packages/model/README.md "`earshot features`".
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { decodeAudio, isAudioError, MODEL_SAMPLE_RATE } from "@earshot/audio";
import { computeExpertInputs, type FeatureSequence, type FrontendSpec, type OnnxFrontends } from "./experts.ts";

export const FEATURE_CACHE_FORMAT = "earshot-features/1";

export interface FeatureClip {
  id: string;
  /** Absolute path of the audio file. */
  path: string;
  /** The path as the list gave it (written to the index). */
  file: string;
}

export type CacheExpert = FrontendSpec;

export interface FeatureCacheResult {
  clips: number;
  failed: Array<{ id: string; file: string; code: string; message: string }>;
  frames: Record<string, number>;
  audioS: number;
  seconds: number;
}

/** Built-in experts for a cache made without a bundle. */
export const DEFAULT_CACHE_EXPERTS: CacheExpert[] = [
  { name: "logmel", frontend: "vggish_logmel", inputDim: 0, hopS: 0 },
  { name: "spectral", frontend: "spectral_descriptors", inputDim: 0, hopS: 0 },
];

/** Experts a cache may ask for by name that need models/pretrained (scripts/setup.sh); never a default. */
export const PRETRAINED_CACHE_EXPERTS: CacheExpert[] = [
  { name: "yamnet", frontend: "yamnet_embedding", inputDim: 0, hopS: 0 },
  { name: "mn04", frontend: "mn04_embedding", inputDim: 0, hopS: 0 },
];

/**
 * Decodes the clips (up to `concurrency` ffmpeg processes ahead) and writes features in list order, so row
 * offsets are deterministic. A clip that fails to decode is recorded in `failed` and left out of `clips`.
 */
export async function writeFeatureCache(opts: {
  clips: FeatureClip[];
  experts: CacheExpert[];
  outDir: string;
  concurrency?: number;
  onnx?: OnnxFrontends;
  onProgress?: (done: number, total: number) => void;
}): Promise<FeatureCacheResult> {
  const started = performance.now();
  const { clips, experts, outDir } = opts;
  await mkdir(outDir, { recursive: true });
  // Write under temporary names and rename at the end: a crashed run never leaves a half cache that looks whole.
  const tmp = (f: string) => path.join(outDir, `.${f}.partial`);
  const writers = experts.map((e) => createWriteStream(tmp(`${e.name}.f32`)));
  const rows = experts.map(() => 0);
  const meta: Record<string, { frontend: string; dims: number; hopS: number; file: string }> = {};
  const index: Array<Record<string, unknown>> = [];
  const failed: FeatureCacheResult["failed"] = [];
  let audioS = 0;

  const decode = (c: FeatureClip) =>
    decodeAudio(c.path).then(
      (pcm) => ({ pcm }),
      (err: unknown) => ({ err }),
    );
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const pending: Array<ReturnType<typeof decode>> = clips.slice(0, concurrency).map(decode);
  for (let i = 0; i < clips.length; i++) {
    const clip = clips[i]!;
    const decoded = await pending.shift()!;
    const ahead = clips[i + concurrency];
    if (ahead) pending.push(decode(ahead));
    if ("err" in decoded) {
      const err = decoded.err as Error;
      failed.push({
        id: clip.id,
        file: clip.file,
        code: isAudioError(err) ? err.code : "DECODE_FAILED",
        message: err.message,
      });
      continue;
    }
    const entry: Record<string, unknown> = {
      id: clip.id,
      file: clip.file,
      durationS: decoded.pcm.length / MODEL_SAMPLE_RATE,
    };
    const seqs: FeatureSequence[] = [];
    try {
      seqs.push(...(await computeExpertInputs(decoded.pcm, { experts }, opts.onnx)));
    } catch (err) {
      failed.push({ id: clip.id, file: clip.file, code: "FEATURES_FAILED", message: (err as Error).message });
      continue;
    }
    for (const [k, e] of experts.entries()) {
      const s = seqs[k]!;
      meta[e.name] ??= { frontend: e.frontend, dims: s.dims, hopS: s.hopS, file: `${e.name}.f32` };
      entry[e.name] = [rows[k]!, s.frames];
      rows[k]! += s.frames;
      const w = writers[k]!;
      if (!w.write(Buffer.from(s.data.buffer, s.data.byteOffset, s.frames * s.dims * 4))) await once(w, "drain");
    }
    audioS += decoded.pcm.length / MODEL_SAMPLE_RATE;
    index.push(entry);
    opts.onProgress?.(i + 1, clips.length);
  }
  await Promise.all(writers.map((w) => new Promise((r) => w.end(r))));
  for (const e of experts)
    meta[e.name] ??= { frontend: e.frontend, dims: e.inputDim, hopS: e.hopS, file: `${e.name}.f32` };
  for (const e of experts) await rename(tmp(`${e.name}.f32`), path.join(outDir, `${e.name}.f32`));
  const doc = { format: FEATURE_CACHE_FORMAT, sampleRate: MODEL_SAMPLE_RATE, experts: meta, clips: index, failed };
  await writeFile(tmp("index.json"), JSON.stringify(doc));
  await rename(tmp("index.json"), path.join(outDir, "index.json"));
  return {
    clips: index.length,
    failed,
    frames: Object.fromEntries(experts.map((e, k) => [e.name, rows[k]!])),
    audioS,
    seconds: (performance.now() - started) / 1000,
  };
}
