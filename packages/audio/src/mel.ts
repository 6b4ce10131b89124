/** HTK mel scale: 1127 ln(1 + f / 700). */
export function hzToMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/** One triangular band stored sparsely: weights for bins first .. first+weights.length-1. */
export interface MelBand {
  first: number;
  weights: Float64Array;
}

/**
 * Triangular mel filters over the bins of an rfft, with triangles defined in the mel domain (as VGGish
 * does): band i rises from edge i to edge i+1 and falls to edge i+2, the edges evenly spaced in mel between
 * lowHz and highHz. The DC bin never contributes.
 */
export function melBands(bins: number, sampleRate: number, bands: number, lowHz: number, highHz: number): MelBand[] {
  const nyquist = sampleRate / 2;
  const binMel = Array.from({ length: bins }, (_, k) => hzToMel((k * nyquist) / (bins - 1)));
  const lo = hzToMel(lowHz);
  const hi = hzToMel(highHz);
  const edges = Array.from({ length: bands + 2 }, (_, i) => lo + ((hi - lo) * i) / (bands + 1));
  const out: MelBand[] = [];
  for (let b = 0; b < bands; b++) {
    const left = edges[b]!;
    const center = edges[b + 1]!;
    const right = edges[b + 2]!;
    const w = new Float64Array(bins);
    let first = -1;
    let last = -1;
    for (let k = 1; k < bins; k++) {
      const m = binMel[k]!;
      const v = Math.max(0, Math.min((m - left) / (center - left), (right - m) / (right - center)));
      w[k] = v;
      if (v > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    out.push(first < 0 ? { first: 0, weights: new Float64Array(0) } : { first, weights: w.slice(first, last + 1) });
  }
  return out;
}

/** The bands packed flat (first bin, length and offset per band), for a tight inner loop. */
export interface PackedBands {
  count: number;
  first: Int32Array;
  length: Int32Array;
  offset: Int32Array;
  weights: Float64Array;
}

export function packBands(bands: MelBand[]): PackedBands {
  const count = bands.length;
  const first = new Int32Array(count);
  const length = new Int32Array(count);
  const offset = new Int32Array(count);
  const weights = new Float64Array(bands.reduce((n, b) => n + b.weights.length, 0));
  let o = 0;
  bands.forEach((b, i) => {
    first[i] = b.first;
    length[i] = b.weights.length;
    offset[i] = o;
    weights.set(b.weights, o);
    o += b.weights.length;
  });
  return { count, first, length, offset, weights };
}

/** Applies the bands to the spectrum starting at `at`: out[b] = Σ_k spectrum[at + k] · weight_b[k]. */
export function applyBands(spectrum: Float64Array, bands: PackedBands, out: Float64Array, at = 0): void {
  const { count, first, length, offset, weights } = bands;
  for (let b = 0; b < count; b++) {
    const f = at + first[b]!;
    const o = offset[b]!;
    const n = length[b]!;
    let s = 0;
    for (let j = 0; j < n; j++) s += spectrum[f + j]! * weights[o + j]!;
    out[b] = s;
  }
}
