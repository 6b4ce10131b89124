import type * as Ort from "onnxruntime-node";
import { AudioError } from "./errors.ts";
import { logMelVggish, VGGISH_LOG_OFFSET } from "./logmel.ts";
import { createSession, type ExecutionProvider, loadOrt, type OnnxOptions } from "./session.ts";
import { spectralDescriptors } from "./spectral.ts";
import { SpeechEmbedding } from "./speech.ts";
import { HOP_SAMPLES } from "./stft.ts";

/** A frame sequence: row-major [frames][dims]. */
export interface FrameSequence {
  data: Float32Array;
  frames: number;
  dims: number;
}

/** The fields of a bundle manifest's expert entry that the runner reads; other fields are ignored. */
export interface ExpertEntry {
  name: string;
  /**
   * Which features feed the model: "vggish_logmel" (64 per 10 ms frame), "spectral_descriptors" (20 per
   * 10 ms frame), "speech_embedding" (96 per 80 ms, see SpeechEmbedding), or "frames" (the caller's own).
   */
  frontend: string;
  /** Model items per onnxruntime call (default 64). */
  batchSize?: number;
  [key: string]: unknown;
}

/** Product of the non-batch dimensions of a model input or output; they must be fixed numbers. */
function itemSize(shape: ReadonlyArray<number | string>, what: string): number {
  const rest = shape.slice(1);
  if (rest.some((d) => typeof d !== "number" || d <= 0)) {
    throw new AudioError("UNSUPPORTED", `${what} must have fixed non-batch dimensions, got [${shape.join(", ")}]`);
  }
  return (rest as number[]).reduce((a, b) => a * b, 1);
}

/**
 * Runs one expert model over a clip. The model maps a batch of items to a batch of vectors; an item is
 * `k` consecutive frames of the entry's frontend, k = (model input size per item) / (frontend dims):
 * a frame-wise model (input [B, 64]) gets every log-mel frame, a VGGish model (input [B, 96, 64] or
 * [B, 96, 64, 1]) gets non-overlapping 96-frame examples. A clip shorter than one item is padded with
 * the frontend's silence value so every clip yields at least one vector.
 */
export class OnnxExpert {
  private constructor(
    readonly entry: ExpertEntry,
    private readonly session: Ort.InferenceSession,
    readonly executionProvider: ExecutionProvider,
    private readonly inputShape: number[],
    private readonly inputSize: number,
    readonly outputDims: number,
    private readonly fixedBatch: number | null,
    private readonly speech: SpeechEmbedding | null,
  ) {}

  static async load(modelPath: string, entry: ExpertEntry, opts: OnnxOptions = {}): Promise<OnnxExpert> {
    const { session, executionProvider } = await createSession(modelPath, opts);
    const input = session.inputMetadata[0];
    const output = session.outputMetadata[0];
    if (!input?.isTensor || !output?.isTensor) {
      throw new AudioError("UNSUPPORTED", `${entry.name}: the model's first input and output must be tensors`);
    }
    if (input.type !== "float32" || output.type !== "float32") {
      throw new AudioError("UNSUPPORTED", `${entry.name}: the model must take and return float32 tensors`);
    }
    const inputSize = itemSize(input.shape, `${entry.name} input`);
    const outputDims = itemSize(output.shape, `${entry.name} output`);
    const batch = input.shape[0];
    const speech = entry.frontend === "speech_embedding" ? await SpeechEmbedding.load(opts) : null;
    return new OnnxExpert(
      entry,
      session,
      executionProvider,
      input.shape.slice(1) as number[],
      inputSize,
      outputDims,
      typeof batch === "number" && batch > 0 ? batch : null,
      speech,
    );
  }

  /** Computes the entry's frontend for 16 kHz PCM, or passes frames through for frontend "frames". */
  async features(input: Float32Array | FrameSequence): Promise<FrameSequence & { silence: number; hopS: number }> {
    const hopS = typeof this.entry.hopS === "number" && this.entry.hopS > 0 ? this.entry.hopS : HOP_SAMPLES / 16000;
    if (!(input instanceof Float32Array)) return { ...input, silence: 0, hopS };
    switch (this.entry.frontend) {
      case "vggish_logmel": {
        const lm = logMelVggish(input);
        return { data: lm.data, frames: lm.frames, dims: lm.bands, silence: Math.log(VGGISH_LOG_OFFSET), hopS: 0.01 };
      }
      case "spectral_descriptors":
        return { ...spectralDescriptors(input), silence: 0 };
      case "speech_embedding":
        return { ...(await this.speech!.run(input)), silence: 0 };
      default:
        throw new AudioError(
          "UNSUPPORTED",
          `${this.entry.name}: frontend "${this.entry.frontend}" needs precomputed frames, not PCM`,
        );
    }
  }

  /** One output vector per item, row-major [frames][dims]; hopS is the time between items. */
  async run(input: Float32Array | FrameSequence): Promise<FrameSequence & { hopS: number }> {
    const feats = await this.features(input);
    if (this.inputSize % feats.dims !== 0) {
      throw new AudioError(
        "UNSUPPORTED",
        `${this.entry.name}: model input of ${this.inputSize} values per item is not a whole number of ${feats.dims}-d frames`,
      );
    }
    const perItem = this.inputSize / feats.dims;
    const items = Math.max(1, Math.floor(feats.frames / perItem));
    let flat: Float32Array;
    if (feats.frames >= perItem) {
      flat = feats.data.subarray(0, items * this.inputSize);
    } else {
      flat = new Float32Array(this.inputSize).fill(feats.silence);
      flat.set(feats.data);
    }

    const batchSize = this.fixedBatch ?? Math.max(1, this.entry.batchSize ?? 64);
    const out = new Float32Array(items * this.outputDims);
    const ort = await loadOrt();
    const inputName = this.session.inputNames[0]!;
    const outputName = this.session.outputNames[0]!;
    for (let start = 0; start < items; start += batchSize) {
      const n = Math.min(batchSize, items - start);
      // A model with a fixed batch size gets a zero-padded last batch.
      const rows = this.fixedBatch ?? n;
      const batch = new Float32Array(rows * this.inputSize);
      batch.set(flat.subarray(start * this.inputSize, (start + n) * this.inputSize));
      const result = await this.session.run({
        [inputName]: new ort.Tensor("float32", batch, [rows, ...this.inputShape]),
      });
      const y = result[outputName]!.data as Float32Array;
      out.set(y.subarray(0, n * this.outputDims), start * this.outputDims);
    }
    return { data: out, frames: items, dims: this.outputDims, hopS: perItem * feats.hopS };
  }

  async close(): Promise<void> {
    await this.session.release();
    await this.speech?.close();
  }
}
