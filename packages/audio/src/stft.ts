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
 * Calls fn(frameIndex, magnitude) for each frame; `magnitude` (|rfft| of the windowed frame, 257 bins) is
 * a reused buffer, valid only during the call. With `bins` < 257 only the lowest bins are filled.
 */
export function forEachMagnitudeFrame(
  pcm: Float32Array,
  fn: (frame: number, magnitude: Float64Array, start: number) => void,
  bins = SPECTRUM_BINS,
): number {
  const frames = frameCount(pcm.length);
  const mag = new Float64Array(SPECTRUM_BINS);
  for (let f = 0; f < frames; f++) {
    const start = f * HOP_SAMPLES;
    for (let i = 0; i < WINDOW_SAMPLES; i++) frameBuf[i] = pcm[start + i]! * hann[i]!;
    fft.realTransform(spectrum, frameBuf);
    for (let k = 0; k < bins; k++) {
      const r = spectrum[2 * k]!;
      const i = spectrum[2 * k + 1]!;
      mag[k] = Math.sqrt(r * r + i * i);
    }
    fn(f, mag, start);
  }
  return frames;
}
