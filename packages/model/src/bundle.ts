// loadModelBundle: reads and checks a bundle directory, opens its ONNX sessions, and exposes the encoders.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import type * as ort from "onnxruntime-node";
import { encodeAudioWith, type SegmentEncoding } from "./audio.ts";
import { ModelError } from "./errors.ts";
import { computeExpertInputs, type FeatureSequence, loadOnnxFrontends, type OnnxFrontends } from "./experts.ts";
import { type BundleManifest, parseManifest } from "./manifest.ts";
import { type ExecutionProvider, openSession, requireNames, type SessionOptions } from "./onnx.ts";
import { encodeTextsWith, type TextEncoding } from "./text.ts";
import { loadWordVectors, type WordVectors } from "./words.ts";

export const DEFAULT_BUNDLE_DIR = path.join(repoRoot, "models/default");

export type LoadOptions = SessionOptions & {
  /** Folder of the converted pretrained networks (default $EARSHOT_PRETRAINED_MODELS or models/pretrained). */
  pretrainedDir?: string;
};

export interface ModelBundle {
  manifest: BundleManifest;
  dir: string;
  name: string;
  version: string;
  dim: number;
  expertNames: string[];
  /** Where the towers run ("cpu" when CUDA was asked for but is unavailable). */
  executionProvider: ExecutionProvider;
  encodeTexts(texts: string[]): Promise<{ vectors: Float32Array[]; weights: number[][] }>;
  /** encodeTexts plus each expert's unit text embedding. */
  encodeTextsDetailed(texts: string[]): Promise<TextEncoding>;
  encodeAudio(pcm16k: Float32Array): Promise<Array<{ startS: number; endS: number; vector: Float32Array }>>;
  /** encodeAudio plus each expert's unit audio embedding per segment. */
  encodeAudioDetailed(pcm16k: Float32Array): Promise<SegmentEncoding[]>;
  /** Feature sequences of the whole clip, per expert in manifest order. */
  computeExpertInputs(pcm16k: Float32Array): Promise<FeatureSequence[]>;
  close(): Promise<void>;
}

/** Reads and validates dir/manifest.json. */
export async function readManifest(dir: string): Promise<BundleManifest> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new ModelError("BUNDLE_NOT_FOUND", `no model bundle directory at ${dir}`);
  const file = path.join(dir, "manifest.json");
  const text = await readFile(file, "utf8").catch(() => {
    throw new ModelError("BUNDLE_NOT_FOUND", `${dir} is not a model bundle: manifest.json is missing`);
  });
  const parsed = parseManifest(text);
  if (!parsed.ok) throw new ModelError("BUNDLE_INVALID", `${file} is invalid: ${parsed.problems.join("; ")}`);
  return parsed.manifest;
}

export async function loadModelBundle(dir: string = DEFAULT_BUNDLE_DIR, opts: LoadOptions = {}): Promise<ModelBundle> {
  const root = path.resolve(dir);
  const manifest = await readManifest(root);
  const at = (rel: string) => path.join(root, rel);
  const sessions: ort.InferenceSession[] = [];
  try {
    const tt = manifest.textTower;
    const words: WordVectors = await loadWordVectors(at(tt.vocab), at(tt.wordVectors), tt.wordDim);
    const { session: text, executionProvider } = await openSession(at(tt.onnx), opts);
    sessions.push(text);
    requireNames(text, tt.onnx, ["words", "words_mask"], [...manifest.experts.map((e) => `text_${e.name}`), "weights"]);
    const { session: audio } = await openSession(at(manifest.audioTower.onnx), opts);
    sessions.push(audio);
    requireNames(
      audio,
      manifest.audioTower.onnx,
      manifest.experts.flatMap((e) => [e.name, `${e.name}_mask`]),
      manifest.experts.map((e) => `audio_${e.name}`),
    );
    const onnx: OnnxFrontends = await loadOnnxFrontends(manifest, root, opts);
    let closed = false;
    const open = () => {
      if (closed) throw new ModelError("CLOSED", "the model bundle was closed");
    };
    return {
      manifest,
      dir: root,
      name: manifest.name,
      version: manifest.version,
      dim: manifest.dim,
      expertNames: manifest.experts.map((e) => e.name),
      executionProvider,
      async encodeTexts(texts) {
        open();
        const r = await encodeTextsWith(text, words, manifest, texts);
        return { vectors: r.vectors, weights: r.weights };
      },
      async encodeTextsDetailed(texts) {
        open();
        return encodeTextsWith(text, words, manifest, texts);
      },
      async encodeAudio(pcm16k) {
        open();
        const segs = await encodeAudioWith(audio, manifest, onnx, pcm16k);
        return segs.map((s) => ({ startS: s.startS, endS: s.endS, vector: s.vector }));
      },
      async encodeAudioDetailed(pcm16k) {
        open();
        return encodeAudioWith(audio, manifest, onnx, pcm16k);
      },
      async computeExpertInputs(pcm16k) {
        open();
        return computeExpertInputs(pcm16k, manifest, onnx);
      },
      async close() {
        if (closed) return;
        closed = true;
        await Promise.all([...sessions.map((s) => s.release()), ...[...onnx.values()].map((m) => m.close())]);
      },
    };
  } catch (err) {
    await Promise.all(sessions.map((s) => s.release().catch(() => {})));
    throw err;
  }
}
