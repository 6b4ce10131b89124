// Front ends of the pretrained AudioSet networks (YAMNet, EfficientAT mn04_as), which @earshot/model runs as
// ONNX networks converted at set-up from ../shared/models/pretrained (training/earshot_train/pretrained).
import FFT from "fft.js";
import { logMelSink } from "./logmel.ts";
import { applyBands, melBands, packBands } from "./mel.ts";
import { forEachMagnitudeBlock, frameCount, HOP_SAMPLES, WINDOW_SAMPLES } from "./stft.ts";

export const YAMNET_LOG_OFFSET = 0.001;
export const YAMNET_PATCH_FRAMES = 96;
export const YAMNET_PATCH_HOP_FRAMES = 48;
export const YAMNET_BANDS = 64;
/** One whole patch of samples: 400 + 95 · 160 (0.975 s). */
const YAMNET_MIN_SAMPLES = WINDOW_SAMPLES + (YAMNET_PATCH_FRAMES - 1) * HOP_SAMPLES;
const YAMNET_PATCH_HOP_SAMPLES = YAMNET_PATCH_HOP_FRAMES * HOP_SAMPLES;

export interface YamnetPatches {
  /** Row-major [patches][96][64]: the input tensor of yamnet.onnx. */
  data: Float32Array;
  patches: number;
}

/**
 * YAMNet's input: VGGish's log-mel (16 kHz) with log(mel + 0.001), cut into 96-frame patches every 48 frames
 * (0.96 s every 0.48 s). As YAMNet does, the waveform is first zero-padded at the end to one whole patch and then
 * to a whole number of patch hops, so every sample lands in a patch: 1 + ceil(max(0, n - 15600) / 7680) patches.
 */
export function yamnetPatches(pcm16k: Float32Array): YamnetPatches {
  const hops = Math.ceil(Math.max(0, pcm16k.length - YAMNET_MIN_SAMPLES) / YAMNET_PATCH_HOP_SAMPLES);
  const padded = new Float32Array(YAMNET_MIN_SAMPLES + hops * YAMNET_PATCH_HOP_SAMPLES);
  padded.set(pcm16k);
  const { result, sink } = logMelSink(frameCount(padded.length), YAMNET_LOG_OFFSET);
  forEachMagnitudeBlock(padded, sink);
  const patches = hops + 1;
  const per = YAMNET_PATCH_FRAMES * YAMNET_BANDS;
  const data = new Float32Array(patches * per);
  for (let p = 0; p < patches; p++) {
    const from = p * YAMNET_PATCH_HOP_FRAMES * YAMNET_BANDS;
    data.set(result.data.subarray(from, from + per), p * per);
  }
  return { data, patches };
}

export const EFFICIENTAT_SAMPLE_RATE = 32000;
export const EFFICIENTAT_BANDS = 128;
const EAT_FFT = 1024;
const EAT_WINDOW = 800;
const EAT_HOP = 320;
const EAT_BINS = EAT_FFT / 2 + 1;
const EAT_PREEMPHASIS = 0.97;
const EAT_LOG_OFFSET = 1e-5;

/** Symmetric Hann of 800 points, centred in the 1024-sample frame (zeros on both sides). */
const eatWindow = (() => {
  const w = new Float64Array(EAT_FFT);
  const left = (EAT_FFT - EAT_WINDOW) / 2;
  for (let i = 0; i < EAT_WINDOW; i++) w[left + i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (EAT_WINDOW - 1));
  return w;
})();
// Kaldi's mel bank: the same HTK-formula triangles as VGGish's, here 0-15000 Hz over 513 bins at 32 kHz.
const eatBands = packBands(melBands(EAT_BINS, EFFICIENTAT_SAMPLE_RATE, EFFICIENTAT_BANDS, 0, 15000));
const eatFft = new FFT(EAT_FFT);

export interface EfficientatLogMel {
  /** Row-major [128][frames] (mel-major, the [1, 128, T] layout mn04.onnx reads). */
  data: Float32Array;
  frames: number;
}

/** Reflect-padded index (the edge sample is not repeated), as centred STFTs pad. */
function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/**
 * EfficientAT's mel front end (mn04_as), 32 kHz mono in: pre-emphasis y[t] = x[t+1] - 0.97 x[t]; centred frames
 * of 1024 every 320 samples (reflect padding), a symmetric 800-point Hann window; power spectrum; 128 Kaldi mel
 * bins 0-15000 Hz; (log(mel + 1e-5) + 4.5) / 5. Signals shorter than 514 samples are zero-padded to that first.
 */
export function efficientatLogMel(pcm32k: Float32Array): EfficientatLogMel {
  const n = Math.max(pcm32k.length - 1, EAT_FFT / 2 + 1);
  const y = new Float64Array(n);
  for (let t = 0; t + 1 < pcm32k.length; t++) y[t] = pcm32k[t + 1]! - EAT_PREEMPHASIS * pcm32k[t]!;
  const frames = 1 + Math.floor(n / EAT_HOP);
  const data = new Float32Array(EFFICIENTAT_BANDS * frames);
  const frame = new Float64Array(EAT_FFT);
  const spectrum: number[] = eatFft.createComplexArray();
  const power = new Float64Array(EAT_BINS);
  const mel = new Float64Array(EFFICIENTAT_BANDS);
  for (let f = 0; f < frames; f++) {
    const start = f * EAT_HOP - EAT_FFT / 2;
    for (let i = 0; i < EAT_FFT; i++) frame[i] = y[reflect(start + i, n)]! * eatWindow[i]!;
    eatFft.realTransform(spectrum, frame);
    for (let k = 0; k < EAT_BINS; k++) power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2;
    applyBands(power, eatBands, mel);
    for (let b = 0; b < EFFICIENTAT_BANDS; b++) data[b * frames + f] = (Math.log(mel[b]! + EAT_LOG_OFFSET) + 4.5) / 5;
  }
  return { data, frames };
}
