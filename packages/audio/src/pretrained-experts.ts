// The pretrained AudioSet networks (models/pretrained, converted at set-up) run as experts: 16 kHz PCM in, one
// embedding per time step out. Which ONNX output is the embedding is chosen by name ("embeddings"), not position.
import type * as Ort from "onnxruntime-node";
import { AudioError } from "./errors.ts";
import {
  EFFICIENTAT_BANDS,
  efficientatLogMel,
  YAMNET_BANDS,
  YAMNET_PATCH_FRAMES,
  YAMNET_PATCH_HOP_FRAMES,
  yamnetPatches,
} from "./pretrained.ts";
import { createSession, type ExecutionProvider, loadOrt, type OnnxOptions } from "./session.ts";
import { HOP_SAMPLES } from "./stft.ts";

/** The frontends that run a pretrained network, and the network (models/pretrained/manifest.json key) each needs. */
export const PRETRAINED_FRONTENDS = { yamnet_embedding: "yamnet", mn04_embedding: "mn04" } as const;
export type PretrainedFrontend = keyof typeof PRETRAINED_FRONTENDS;

export function isPretrainedFrontend(name: string): name is PretrainedFrontend {
  return Object.hasOwn(PRETRAINED_FRONTENDS, name);
}

/** YAMNet: one embedding per 0.96 s patch, patches every 0.48 s (they overlap by half). */
export const YAMNET_EMBEDDING_DIMS = 1024;
export const YAMNET_HOP_S = (YAMNET_PATCH_HOP_FRAMES * HOP_SAMPLES) / 16000;
/** mn04: one embedding per 1 s window, windows every 0.5 s (the network pools over time inside a window). */
export const MN04_EMBEDDING_DIMS = 384;
export const MN04_WINDOW_S = 1;
export const MN04_HOP_S = 0.5;
const MN04_FRAMES_PER_S = 100; // hop 320 at 32 kHz
const MN04_WINDOW_FRAMES = MN04_WINDOW_S * MN04_FRAMES_PER_S;
const MN04_HOP_FRAMES = MN04_HOP_S * MN04_FRAMES_PER_S;

// 2x interpolation filter: a Blackman-windowed sinc cut at the 16 kHz signal's Nyquist, 16 input samples a side.
const HALF_TAPS = 16;
const interpTaps = (() => {
  const taps = new Float64Array(2 * HALF_TAPS);
  let sum = 0;
  for (let j = 0; j < 2 * HALF_TAPS; j++) {
    const t = j - HALF_TAPS + 0.5; // distance from the new (odd) sample to input sample n - HALF_TAPS + 1 + j
    const u = (t + HALF_TAPS) / (2 * HALF_TAPS); // 0..1 across the window
    const blackman = 0.42 - 0.5 * Math.cos(2 * Math.PI * u) + 0.08 * Math.cos(4 * Math.PI * u);
    taps[j] = (Math.sin(Math.PI * t) / (Math.PI * t)) * blackman;
    sum += taps[j]!;
  }
  for (let j = 0; j < taps.length; j++) taps[j]! /= sum; // unit gain at DC
  return taps;
})();

/**
 * 16 kHz -> 32 kHz by band-limited interpolation: even output samples are the input, odd ones a windowed-sinc
 * estimate halfway between (zeros beyond the ends). The upper octave stays empty, as in any 16 kHz source.
 */
export function upsample2x(pcm16k: Float32Array): Float32Array {
  const n = pcm16k.length;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = pcm16k[i]!;
    let acc = 0;
    const first = i - HALF_TAPS + 1;
    for (let j = 0; j < 2 * HALF_TAPS; j++) {
      const k = first + j;
      if (k >= 0 && k < n) acc += pcm16k[k]! * interpTaps[j]!;
    }
    out[2 * i + 1] = acc;
  }
  return out;
}

/**
 * mn04's inputs for a 16 kHz clip: the clip zero-padded to 1 s plus a whole number of 0.5 s hops, upsampled to
 * 32 kHz, its log-mel computed once (100 frames a second) and cut into 100-frame windows every 50 frames.
 * Row-major [windows][128][100] (the [B, 1, 128, T] layout mn04.onnx reads).
 */
export function mn04Windows(pcm16k: Float32Array): { data: Float32Array; windows: number } {
  const hops = Math.ceil(Math.max(0, pcm16k.length - 16000 * MN04_WINDOW_S) / (16000 * MN04_HOP_S));
  const padded = new Float32Array(16000 * (MN04_WINDOW_S + hops * MN04_HOP_S));
  padded.set(pcm16k);
  const mel = efficientatLogMel(upsample2x(padded));
  const windows = hops + 1;
  const per = EFFICIENTAT_BANDS * MN04_WINDOW_FRAMES;
  const data = new Float32Array(windows * per);
  for (let w = 0; w < windows; w++) {
    const from = w * MN04_HOP_FRAMES;
    for (let b = 0; b < EFFICIENTAT_BANDS; b++) {
      const row = mel.data.subarray(b * mel.frames + from, b * mel.frames + from + MN04_WINDOW_FRAMES);
      data.set(row, w * per + b * MN04_WINDOW_FRAMES);
    }
  }
  return { data, windows };
}

/** A pretrained network as an expert: PCM -> [steps][dims] embeddings, one step every hopS seconds. */
export class PretrainedExpert {
  private constructor(
    readonly frontend: PretrainedFrontend,
    private readonly session: Ort.InferenceSession,
    readonly executionProvider: ExecutionProvider,
    readonly dims: number,
    readonly hopS: number,
    private readonly batchSize: number,
  ) {}

  static async load(
    modelPath: string,
    frontend: PretrainedFrontend,
    opts: OnnxOptions & { batchSize?: number } = {},
  ): Promise<PretrainedExpert> {
    const { session, executionProvider } = await createSession(modelPath, opts);
    const [input, want] =
      frontend === "yamnet_embedding" ? ["patches", YAMNET_EMBEDDING_DIMS] : ["logmel", MN04_EMBEDDING_DIMS];
    const out = session.outputMetadata.find((o) => o.name === "embeddings");
    const dims = out?.isTensor ? out.shape[out.shape.length - 1] : undefined;
    if (!session.inputNames.includes(input) || dims !== want) {
      await session.release();
      throw new AudioError(
        "UNSUPPORTED",
        `${modelPath} is not the converted ${PRETRAINED_FRONTENDS[frontend]} network: it needs input "${input}" and output "embeddings" [.., ${want}]`,
      );
    }
    const hopS = frontend === "yamnet_embedding" ? YAMNET_HOP_S : MN04_HOP_S;
    return new PretrainedExpert(frontend, session, executionProvider, want, hopS, Math.max(1, opts.batchSize ?? 32));
  }

  async run(pcm16k: Float32Array): Promise<{ data: Float32Array; frames: number; dims: number; hopS: number }> {
    const yamnet = this.frontend === "yamnet_embedding";
    let data: Float32Array;
    let count: number;
    let item: number[];
    if (yamnet) {
      ({ data, patches: count } = yamnetPatches(pcm16k));
      item = [YAMNET_PATCH_FRAMES, YAMNET_BANDS];
    } else {
      ({ data, windows: count } = mn04Windows(pcm16k));
      item = [1, EFFICIENTAT_BANDS, MN04_WINDOW_FRAMES];
    }
    const size = item.reduce((a, b) => a * b, 1);
    const ort = await loadOrt();
    const out = new Float32Array(count * this.dims);
    for (let start = 0; start < count; start += this.batchSize) {
      const n = Math.min(this.batchSize, count - start);
      const x = new ort.Tensor("float32", data.subarray(start * size, (start + n) * size), [n, ...item]);
      const result = await this.session.run({ [yamnet ? "patches" : "logmel"]: x }, ["embeddings"]);
      out.set(result.embeddings!.data as Float32Array, start * this.dims);
    }
    return { data: out, frames: count, dims: this.dims, hopS: this.hopS };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
