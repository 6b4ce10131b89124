// Expert inputs: each manifest expert's frontend (the same packages/audio code as the training cache) turns PCM into
// a feature sequence; segment windows then take the frames that fall inside them.
//
// An expert is a frontend — vggish_logmel, spectral_descriptors, speech_embedding — optionally followed by its own
// ONNX model (`onnx`, e.g. a VGGish or PANNs network) run by packages/audio's OnnxExpert on that frontend's frames,
// or a pretrained AudioSet network (yamnet_embedding, mn04_embedding) read from the converted folder (pretrained.ts).
import path from "node:path";
import {
  computeStftFrontends,
  isPretrainedFrontend,
  isStftFrontend,
  logMelVggish,
  OnnxExpert,
  PretrainedExpert,
  SpeechEmbedding,
  type StftFeatures,
  spectralDescriptors,
  WINDOW_SAMPLES,
} from "@earshot/audio";
import { ModelError } from "./errors.ts";
import type { ExpertSpec } from "./manifest.ts";
import { onnxOptions, type SessionOptions } from "./onnx.ts";
import { type PretrainedRef, resolvePretrained } from "./pretrained.ts";

export const FRONTENDS = [
  "vggish_logmel",
  "spectral_descriptors",
  "speech_embedding",
  "yamnet_embedding",
  "mn04_embedding",
] as const;
export type Frontend = (typeof FRONTENDS)[number];

/** Row-major [frames][dims] float32 features, frame k starting at k * hopS seconds. */
export interface FeatureSequence {
  data: Float32Array;
  frames: number;
  dims: number;
  hopS: number;
}

/** What a frontend needs to know about its expert (a manifest entry has all of it). */
export type FrontendSpec = Pick<ExpertSpec, "name" | "frontend" | "inputDim" | "hopS"> & {
  onnx?: string;
  pretrained?: PretrainedRef;
};

/** Loaded models behind ONNX-backed experts, by expert name. */
export type OnnxFrontends = Map<
  string,
  { run(pcm16k: Float32Array): Promise<FeatureSequence>; close(): Promise<void> }
>;

/**
 * Loads the models of experts that need one: an `onnx` file relative to baseDir, speech_embedding, or a pretrained
 * network from opts.pretrainedDir (default models/pretrained; absent or mismatched -> PRETRAINED_* errors).
 */
export async function loadOnnxFrontends(
  manifest: { experts: FrontendSpec[] },
  baseDir: string,
  opts: SessionOptions & { pretrainedDir?: string } = {},
): Promise<OnnxFrontends> {
  const out: OnnxFrontends = new Map();
  try {
    for (const e of manifest.experts) {
      if (isPretrainedFrontend(e.frontend)) {
        const file = await resolvePretrained(e.name, e.frontend, e.pretrained, opts.pretrainedDir);
        out.set(e.name, await PretrainedExpert.load(file, e.frontend, onnxOptions(opts)));
      } else if (e.onnx) {
        const file = path.resolve(baseDir, e.onnx);
        out.set(e.name, await OnnxExpert.load(file, { ...e }, onnxOptions(opts)));
      } else if (e.frontend === "speech_embedding") {
        out.set(e.name, await SpeechEmbedding.load(onnxOptions(opts)));
      }
    }
  } catch (err) {
    await Promise.all([...out.values()].map((r) => r.close().catch(() => {})));
    if (err instanceof ModelError) throw err;
    throw new ModelError("ONNX_LOAD_FAILED", `cannot load an expert model: ${(err as Error).message}`, { cause: err });
  }
  return out;
}

/**
 * Runs one expert's frontend over a whole clip (padded with silence to one STFT frame if shorter). `stft` holds
 * STFT frontends already computed for this clip (computeExpertInputs computes all its experts' in one pass).
 */
export async function computeExpertInput(
  clip: Float32Array,
  expert: FrontendSpec,
  models?: OnnxFrontends,
  stft: StftFeatures = {},
): Promise<FeatureSequence> {
  const pcm16k = padToOneFrame(clip);
  let seq: FeatureSequence;
  const model = models?.get(expert.name);
  if (expert.onnx || expert.frontend === "speech_embedding" || isPretrainedFrontend(expert.frontend)) {
    if (!model) throw new ModelError("UNKNOWN_FRONTEND", `expert ${expert.name}: its model is not loaded`);
    seq = await model.run(pcm16k);
  } else if (expert.frontend === "vggish_logmel") {
    const m = stft.vggish_logmel ?? logMelVggish(pcm16k);
    seq = { data: m.data, frames: m.frames, dims: m.bands, hopS: 0.01 };
  } else if (expert.frontend === "spectral_descriptors") {
    const s = stft.spectral_descriptors ?? spectralDescriptors(pcm16k);
    seq = { data: s.data, frames: s.frames, dims: s.dims, hopS: s.hopS };
  } else {
    throw new ModelError("UNKNOWN_FRONTEND", `expert ${expert.name}: unknown frontend ${String(expert.frontend)}`);
  }
  if (expert.inputDim > 0 && seq.dims !== expert.inputDim) {
    throw new ModelError(
      "FEATURE_MISMATCH",
      `expert ${expert.name}: its features have ${seq.dims} dims, the bundle expects ${expert.inputDim}`,
    );
  }
  // The manifest's hop wins over the frontend's own (0 = keep the frontend's).
  return expert.hopS > 0 ? { ...seq, hopS: expert.hopS } : seq;
}

/** A clip shorter than one 25 ms STFT frame gets trailing silence, so every frontend yields a frame. */
export function padToOneFrame(pcm16k: Float32Array): Float32Array {
  if (pcm16k.length >= WINDOW_SAMPLES) return pcm16k;
  const out = new Float32Array(WINDOW_SAMPLES);
  out.set(pcm16k);
  return out;
}

/** Feature sequences of every expert in the manifest, in manifest order; one STFT pass serves all STFT frontends. */
export async function computeExpertInputs(
  clip: Float32Array,
  manifest: { experts: FrontendSpec[] },
  models?: OnnxFrontends,
): Promise<FeatureSequence[]> {
  const pcm16k = padToOneFrame(clip);
  // An ONNX expert computes its own frontend inside OnnxExpert; the rest share one STFT pass.
  const stft = computeStftFrontends(
    pcm16k,
    manifest.experts.flatMap((e) => (!e.onnx && isStftFrontend(e.frontend) ? [e.frontend] : [])),
  );
  const out: FeatureSequence[] = [];
  for (const e of manifest.experts) out.push(await computeExpertInput(pcm16k, e, models, stft));
  return out;
}

/**
 * Frames of a sequence inside [startS, endS): from round(startS / hopS), at most maxFrames (0 = no cap), at least
 * one when the sequence has any. Rounding (half up, not floor/ceil) keeps float noise in window bounds from adding
 * or dropping a frame; training/earshot_train/data.py mirrors it.
 */
export function windowFrames(
  seq: Pick<FeatureSequence, "frames" | "hopS">,
  startS: number,
  endS: number,
  maxFrames: number,
): { start: number; count: number } {
  const hop = seq.hopS > 0 ? seq.hopS : 1;
  const start = Math.min(seq.frames, Math.round(startS / hop));
  let end = Math.min(seq.frames, Math.round(endS / hop));
  if (maxFrames > 0) end = Math.min(end, start + maxFrames);
  if (end <= start && seq.frames > 0) return { start: Math.min(start, seq.frames - 1), count: 1 };
  return { start, count: Math.max(0, end - start) };
}
