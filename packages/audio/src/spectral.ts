import { applyBands, melBands, packBands } from "./mel.ts";
import {
  forEachMagnitudeBlock,
  frameCount,
  HOP_SAMPLES,
  type MagnitudeSink,
  SPECTRUM_BINS,
  WINDOW_SAMPLES,
} from "./stft.ts";

/**
 * Hand-crafted per-frame descriptors on the shared 25 ms / 10 ms STFT of 16 kHz audio, one row per frame:
 *  0 rms_db      10·log10(mean(x²) + 1e-10) of the raw (unwindowed) 400-sample frame
 *  1 zcr         fraction of adjacent raw sample pairs whose signs differ (x[i-1]·x[i] < 0)
 *  2 centroid    Σ f·|X| / Σ |X| over bins 0..256, in units of the 8 kHz Nyquist (0 for silence)
 *  3 spread      sqrt(Σ (f - centroid)²·|X| / Σ |X|), same units
 *  4 rolloff     lowest bin frequency where the cumulative power reaches 85 % of the total, same units
 *  5 flatness    exp(mean log(P + 1e-12)) / (mean P + 1e-12) over bins 1..256, P = |X|²
 *  6 flux        L2 distance between this and the previous frame's |X| / (Σ|X| + 1e-12); 0 on the first frame
 *  7–19 mfcc     c0..c12: orthonormal DCT-II of ln(mel40 + 1e-10), mel40 = 40 HTK bands 20–7800 Hz on P
 */
export const SPECTRAL_NAMES = [
  "rms_db",
  "zcr",
  "centroid",
  "spread",
  "rolloff",
  "flatness",
  "flux",
  ...Array.from({ length: 13 }, (_, i) => `mfcc${i}`),
] as const;
export const SPECTRAL_DIMS = SPECTRAL_NAMES.length;
const MFCC_BANDS = 40;
const MFCC_COEFFS = 13;

export interface SpectralDescriptors {
  /** Row-major [frames][dims]. */
  data: Float32Array;
  frames: number;
  dims: number;
  hopS: number;
}

const mfccBands = packBands(melBands(SPECTRUM_BINS, 16000, MFCC_BANDS, 20, 7800));
// Orthonormal DCT-II rows: c_k = s_k Σ_n x_n cos(π k (2n+1) / 2N), s_0 = sqrt(1/N), s_k = sqrt(2/N).
const dct = Array.from({ length: MFCC_COEFFS }, (_, k) => {
  const s = k === 0 ? Math.sqrt(1 / MFCC_BANDS) : Math.sqrt(2 / MFCC_BANDS);
  return Float64Array.from(
    { length: MFCC_BANDS },
    (_, n) => s * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * MFCC_BANDS)),
  );
});

/** Terms multiplied together before one log in the flatness (each term lies in [1e-12, ~1e5], so 16 cannot under- or
 * overflow a double): 16x fewer Math.log calls than summing logs, the same value to ~1e-15. */
const LOG_GROUP = 16;

/** Bin k's frequency in units of the Nyquist. */
const binFreq = Float64Array.from({ length: SPECTRUM_BINS }, (_, k) => k / (SPECTRUM_BINS - 1));

export function spectralDescriptors(pcm16k: Float32Array): SpectralDescriptors {
  const { result, sink } = spectralSink(pcm16k);
  forEachMagnitudeBlock(pcm16k, sink);
  return result;
}

/** spectralDescriptors as a sink of forEachMagnitudeBlock over pcm16k, to share one STFT pass with other frontends. */
export function spectralSink(pcm16k: Float32Array): { result: SpectralDescriptors; sink: MagnitudeSink } {
  const frames = frameCount(pcm16k.length);
  const data = new Float32Array(frames * SPECTRAL_DIMS);
  const power = new Float64Array(SPECTRUM_BINS);
  const prev = new Float64Array(SPECTRUM_BINS);
  const mel = new Float64Array(MFCC_BANDS);
  const sink: MagnitudeSink = (first, count, mags) => {
    for (let j = 0; j < count; j++) {
      describeFrame(pcm16k, first + j, mags, j * SPECTRUM_BINS, data, power, prev, mel);
    }
  };
  return { result: { data, frames, dims: SPECTRAL_DIMS, hopS: HOP_SAMPLES / 16000 }, sink };
}

/**
 * Row f of the descriptors from the raw frame and its magnitudes mags[at..at+256]. A function of its own rather
 * than the body of the block callback: V8 compiles it ~30 % faster so (the same arithmetic, bit for bit).
 * power and mel are scratch; prev carries the previous frame's normalised magnitudes (for the flux).
 */
function describeFrame(
  pcm16k: Float32Array,
  f: number,
  mags: Float64Array,
  at: number,
  data: Float32Array,
  power: Float64Array,
  prev: Float64Array,
  mel: Float64Array,
): void {
  const bins = SPECTRUM_BINS;
  const start = f * HOP_SAMPLES;
  const row = f * SPECTRAL_DIMS;
  let sq = 0;
  let crossings = 0;
  let last = pcm16k[start]!;
  sq += last * last;
  for (let i = 1; i < WINDOW_SAMPLES; i++) {
    const x = pcm16k[start + i]!;
    sq += x * x;
    if (last * x < 0) crossings++;
    last = x;
  }
  data[row] = 10 * Math.log10(sq / WINDOW_SAMPLES + 1e-10);
  data[row + 1] = crossings / (WINDOW_SAMPLES - 1);

  let magSum = 0;
  let weighted = 0;
  let powSum = 0;
  for (let k = 0; k < bins; k++) {
    const a = mags[at + k]!;
    magSum += a;
    weighted += binFreq[k]! * a;
    const p = a * a;
    power[k] = p;
    powSum += p;
  }
  // One more pass over the bins for the spread, the flatness and the flux (each sum in ascending bin order). The
  // flatness is over bins 1..256, its sum of logs taken as logs of products of LOG_GROUP terms.
  const centroid = magSum > 0 ? weighted / magSum : 0;
  const norm = 1 / (magSum + 1e-12);
  let spreadAcc = 0;
  let logSum = 0;
  let prod = 1;
  let flux = 0;
  for (let k = 0; k < bins; k++) {
    const a = mags[at + k]!;
    const d = binFreq[k]! - centroid;
    spreadAcc += d * d * a;
    if (k > 0) {
      prod *= power[k]! + 1e-12;
      if (k % LOG_GROUP === 0) {
        logSum += Math.log(prod);
        prod = 1;
      }
    }
    const v = a * norm;
    const dv = v - prev[k]!;
    flux += dv * dv;
    prev[k] = v;
  }
  if (prod !== 1) logSum += Math.log(prod); // a last, partial group (none with 257 bins)
  data[row + 2] = centroid;
  data[row + 3] = magSum > 0 ? Math.sqrt(spreadAcc / magSum) : 0;
  const linSum = powSum - power[0]!;
  data[row + 5] = Math.exp(logSum / (bins - 1)) / (linSum / (bins - 1) + 1e-12);
  data[row + 6] = f > 0 ? Math.sqrt(flux) : 0;

  let rolloff = 0;
  if (powSum > 0) {
    const target = 0.85 * powSum;
    let cum = 0;
    for (let k = 0; k < bins; k++) {
      cum += power[k]!;
      if (cum >= target) {
        rolloff = binFreq[k]!;
        break;
      }
    }
  }
  data[row + 4] = rolloff;

  applyBands(power, mfccBands, mel);
  for (let n = 0; n < MFCC_BANDS; n++) mel[n] = Math.log(mel[n]! + 1e-10);
  for (let c = 0; c < MFCC_COEFFS; c++) {
    const basis = dct[c]!;
    let s = 0;
    for (let n = 0; n < MFCC_BANDS; n++) s += basis[n]! * mel[n]!;
    data[row + 7 + c] = s;
  }
}
