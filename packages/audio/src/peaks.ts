/** audiowaveform's JSON format (version 2), which peaks.js reads directly as `waveform: { json }`. */
export interface AudiowaveformJson {
  version: 2;
  channels: 1;
  sample_rate: number;
  samples_per_pixel: number;
  bits: 8;
  /** Number of [min, max] pairs in data. */
  length: number;
  /** min0, max0, min1, max1, …: signed 8-bit sample values (-128..127). */
  data: number[];
}

/** Default zoom levels: 256, 1024 and 4096 samples per pixel (16, 64 and 256 ms per pixel at 16 kHz). */
export const DEFAULT_PEAK_LEVELS = [256, 1024, 4096];

const toInt8 = (x: number) => Math.max(-128, Math.min(127, Math.round(x * 127)));

/** Min/max pairs of mono PCM (floats in [-1, 1]) at one zoom level. */
export function computePeaks(
  pcm: Float32Array,
  sampleRate: number,
  opts: { samplesPerPixel?: number } = {},
): AudiowaveformJson {
  const spp = opts.samplesPerPixel ?? DEFAULT_PEAK_LEVELS[0]!;
  if (!Number.isInteger(spp) || spp < 2) throw new RangeError(`samplesPerPixel must be an integer >= 2, got ${spp}`);
  const length = Math.ceil(pcm.length / spp);
  const data = new Array<number>(length * 2);
  for (let p = 0; p < length; p++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    const end = Math.min(pcm.length, (p + 1) * spp);
    for (let i = p * spp; i < end; i++) {
      const x = pcm[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    data[2 * p] = toInt8(lo);
    data[2 * p + 1] = toInt8(hi);
  }
  return { version: 2, channels: 1, sample_rate: sampleRate, samples_per_pixel: spp, bits: 8, length, data };
}

/**
 * Several zoom levels at once. Each coarser level is reduced from the previous one when its
 * samples_per_pixel is a multiple of it (min of mins, max of maxes: identical to scanning the samples).
 */
export function computePeakLevels(
  pcm: Float32Array,
  sampleRate: number,
  levels: number[] = DEFAULT_PEAK_LEVELS,
): AudiowaveformJson[] {
  const sorted = [...levels].sort((a, b) => a - b);
  const out: AudiowaveformJson[] = [];
  for (const spp of sorted) {
    const prev = out[out.length - 1];
    if (!prev || spp % prev.samples_per_pixel !== 0) {
      out.push(computePeaks(pcm, sampleRate, { samplesPerPixel: spp }));
      continue;
    }
    const k = spp / prev.samples_per_pixel;
    const length = Math.ceil(prev.length / k);
    const data = new Array<number>(length * 2);
    for (let p = 0; p < length; p++) {
      let lo = 127;
      let hi = -128;
      for (let j = p * k; j < Math.min(prev.length, (p + 1) * k); j++) {
        lo = Math.min(lo, prev.data[2 * j]!);
        hi = Math.max(hi, prev.data[2 * j + 1]!);
      }
      data[2 * p] = lo;
      data[2 * p + 1] = hi;
    }
    out.push({ ...prev, samples_per_pixel: spp, length, data });
  }
  return out;
}
