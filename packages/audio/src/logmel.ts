import { applyBands, melBands, packBands } from "./mel.ts";
import { forEachMagnitudeBlock, frameCount, HOP_SAMPLES, type MagnitudeSink, SPECTRUM_BINS } from "./stft.ts";

export const VGGISH_BANDS = 64;
export const VGGISH_EXAMPLE_FRAMES = 96;
/** log(mel + offset): the offset keeps silence finite; log(0.01) is what a silent frame gives. */
export const VGGISH_LOG_OFFSET = 0.01;

export interface LogMel {
  /** Row-major [frames][64], one row per 10 ms hop. */
  data: Float32Array;
  frames: number;
  bands: 64;
}

const vggishBands = packBands(melBands(SPECTRUM_BINS, 16000, VGGISH_BANDS, 125, 7500));

/**
 * VGGish's log-mel: 16 kHz mono in, 25 ms periodic Hann frames every 10 ms, |512-point rfft|, 64 HTK mel
 * bands 125–7500 Hz, log(mel + 0.01). Frames lie fully inside the signal (no padding).
 */
export function logMelVggish(pcm16k: Float32Array): LogMel {
  const { result, sink } = logMelSink(frameCount(pcm16k.length));
  forEachMagnitudeBlock(pcm16k, sink);
  return result;
}

/**
 * logMelVggish as a sink of forEachMagnitudeBlock, to share one STFT pass with other frontends. YAMNet reads the
 * same log-mel with a smaller log offset (0.001).
 */
export function logMelSink(frames: number, logOffset = VGGISH_LOG_OFFSET): { result: LogMel; sink: MagnitudeSink } {
  const data = new Float32Array(frames * VGGISH_BANDS);
  const mel = new Float64Array(VGGISH_BANDS);
  const sink: MagnitudeSink = (first, count, mag) => {
    for (let f = 0; f < count; f++) {
      applyBands(mag, vggishBands, mel, f * SPECTRUM_BINS);
      const row = (first + f) * VGGISH_BANDS;
      for (let b = 0; b < VGGISH_BANDS; b++) data[row + b] = Math.log(mel[b]! + logOffset);
    }
  };
  return { result: { data, frames, bands: VGGISH_BANDS }, sink };
}

export interface VggishExamples {
  /** Row-major [examples][96][64]: the input tensor of a VGGish ONNX model. */
  data: Float32Array;
  examples: number;
}

/**
 * Cuts the log-mel into non-overlapping 0.96 s examples of 96 frames, dropping the incomplete tail (as
 * VGGish does). With minExamples, short clips are padded with silence (log 0.01) up to that many.
 */
export function vggishExamples(logmel: LogMel, opts: { minExamples?: number } = {}): VggishExamples {
  const per = VGGISH_EXAMPLE_FRAMES * VGGISH_BANDS;
  const full = logmel.frames < VGGISH_EXAMPLE_FRAMES ? 0 : Math.floor(logmel.frames / VGGISH_EXAMPLE_FRAMES);
  const examples = Math.max(full, opts.minExamples ?? 0);
  const data = new Float32Array(examples * per);
  if (examples > full) data.fill(Math.log(VGGISH_LOG_OFFSET));
  data.set(logmel.data.subarray(0, Math.min(examples * per, logmel.data.length)));
  return { data, examples };
}

/**
 * logMelVggish over a stream of PCM chunks (e.g. decodeAudioStream), yielding consecutive blocks of frames
 * identical to one call on the whole signal, while holding only the current chunk and one frame of carry.
 */
export async function* logMelVggishStream(pcm16k: AsyncIterable<Float32Array>): AsyncGenerator<LogMel> {
  let carry = new Float32Array(0);
  for await (const chunk of pcm16k) {
    const joined = new Float32Array(carry.length + chunk.length);
    joined.set(carry);
    joined.set(chunk, carry.length);
    const block = logMelVggish(joined);
    if (block.frames > 0) yield block;
    // The next frame starts right after the last one computed; keep everything from there.
    carry = joined.slice(block.frames * HOP_SAMPLES);
  }
}
