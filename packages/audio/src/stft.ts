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

/**
 * Frames per block: 256 frames of 257 float64 magnitudes are 0.5 MB, which stays in a core's cache while every
 * frontend reads it. Keeping a whole clip's spectrogram instead (135 MB for 655 s) and reading it once per
 * frontend measured ~20 % slower for log-mel + descriptors together, besides the memory (docs/decisions.md).
 */
const BLOCK_FRAMES = 256;

/** Receives consecutive blocks of the magnitude spectrogram: frames first..first+count-1, row-major [count][257]. */
export type MagnitudeSink = (firstFrame: number, count: number, magnitude: Float64Array) => void;

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
 * One STFT pass for any number of frontends: computes |rfft| of each Hann-windowed frame (257 bins) block by
 * block and hands every block to each sink in turn, so frontends computed together share the spectrum without
 * holding all of it. Sinks must not change the array. Returns the number of frames.
 */
export function forEachMagnitudeBlock(pcm: Float32Array, ...sinks: MagnitudeSink[]): number {
  const frames = frameCount(pcm.length);
  if (frames === 0) return 0;
  const block = new Float64Array(Math.min(BLOCK_FRAMES, frames) * SPECTRUM_BINS);
  for (let first = 0; first < frames; first += BLOCK_FRAMES) {
    const count = Math.min(BLOCK_FRAMES, frames - first);
    magnitudes(pcm, first, count, block);
    for (const sink of sinks) sink(first, count, block);
  }
  return frames;
}
