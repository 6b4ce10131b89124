import FFT from "fft.js";

/** The STFT every frontend here shares: VGGish's 25 ms periodic Hann window and 10 ms hop at 16 kHz. */
export const WINDOW_SAMPLES = 400;
export const HOP_SAMPLES = 160;
export const FFT_SIZE = 512;
export const SPECTRUM_BINS = FFT_SIZE / 2 + 1;

/** Periodic Hann (the DFT-even form): w[i] = 0.5 - 0.5 cos(2π i / N). */
export function periodicHann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** Frames fully inside the signal, no padding (VGGish): 1 + floor((len - 400) / 160), or 0 when too short. */
export function frameCount(samples: number): number {
  return samples < WINDOW_SAMPLES ? 0 : 1 + Math.floor((samples - WINDOW_SAMPLES) / HOP_SAMPLES);
}

// fft.js: radix-4, float64, no allocation per call; realTransform fills bins 0..n/2 of `spectrum` as re, im pairs.
const fft = new FFT(FFT_SIZE);
const spectrum: number[] = fft.createComplexArray();
const hann = periodicHann(WINDOW_SAMPLES);
const frameBuf = new Float64Array(FFT_SIZE); // samples 400..511 stay zero: the FFT's zero padding

/** Frames per block when a spectrogram is too long to keep whole (bounded memory: 2 MB). */
const BLOCK_FRAMES = 1024;
/**
 * Inputs up to this many frames (~655 s) keep their whole magnitude spectrogram (at most 135 MB) for the life of
 * the PCM array, so the log-mel and the spectral descriptors of one clip share one STFT: the model computes both,
 * one after the other, on the same array. The limit covers the largest chunk the ingest worker sends (640 s plus
 * one 10 s window and the 5 s overlap): most of an archive's audio is in such long recordings, and computing their
 * STFT twice cost the two front-ends ~25 % more CPU (docs/benchmarks.md, "Issue #5"). Longer inputs (whole files of
 * hours decoded in one piece) are computed per block, once per frontend, to keep memory bounded.
 */
export const SHARED_MAX_FRAMES = 1 << 16;
const shared = new WeakMap<Float32Array, Float64Array>();

/** |rfft| of frames first..first+count-1 of the Hann-windowed signal, row-major [count][257], into out. */
function magnitudes(pcm: Float32Array, first: number, count: number, out: Float64Array): void {
  for (let f = 0; f < count; f++) {
    const start = (first + f) * HOP_SAMPLES;
    for (let i = 0; i < WINDOW_SAMPLES; i++) frameBuf[i] = pcm[start + i]! * hann[i]!;
    fft.realTransform(spectrum, frameBuf);
    const row = f * SPECTRUM_BINS;
    for (let k = 0; k < SPECTRUM_BINS; k++) {
      const r = spectrum[2 * k]!;
      const i = spectrum[2 * k + 1]!;
      out[row + k] = Math.sqrt(r * r + i * i);
    }
  }
}

/**
 * Calls fn(firstFrame, count, magnitude) over consecutive blocks of frames covering the signal; `magnitude` holds
 * |rfft| of each Hann-windowed frame (257 bins, row-major [count][257]). The array must not be changed by fn,
 * nor the PCM changed between frontend calls (a short clip's spectrogram is kept with it and reused).
 */
export function forEachMagnitudeBlock(
  pcm: Float32Array,
  fn: (firstFrame: number, count: number, magnitude: Float64Array) => void,
): number {
  const frames = frameCount(pcm.length);
  if (frames === 0) return 0;
  if (frames <= SHARED_MAX_FRAMES) {
    let mag = shared.get(pcm);
    if (!mag || mag.length !== frames * SPECTRUM_BINS) {
      mag = new Float64Array(frames * SPECTRUM_BINS);
      magnitudes(pcm, 0, frames, mag);
      shared.set(pcm, mag);
    }
    fn(0, frames, mag);
    return frames;
  }
  const block = new Float64Array(BLOCK_FRAMES * SPECTRUM_BINS);
  for (let first = 0; first < frames; first += BLOCK_FRAMES) {
    const count = Math.min(BLOCK_FRAMES, frames - first);
    magnitudes(pcm, first, count, block);
    fn(first, count, block);
  }
  return frames;
}
