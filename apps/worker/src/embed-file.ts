import {
  type AudiowaveformJson,
  appendSamples,
  computePeaks,
  decodeAudioStream,
  MODEL_SAMPLE_RATE,
  type StreamInfo,
} from "@earshot/audio";
import { type EmbedderClient, EmbedderUnavailableError, type ModelInfo } from "@earshot/embedder-client";

const SR = MODEL_SAMPLE_RATE;
/** Peak resolutions are powers of two up to this many samples per pixel. */
const MAX_SPP = 16_384;
/** Aim for chunks of about this long: bounded memory (~45 MB of PCM) and request size, whatever the file length. */
const TARGET_CHUNK_S = 640;

export interface EmbeddedFile {
  /** What the decoder read from the file's header (codec, container, rate, channels, declared duration). */
  info: StreamInfo;
  model: ModelInfo;
  segments: Array<{ startS: number; endS: number; vector: Float32Array }>;
  peaks: AudiowaveformJson;
  samples: number;
}

interface SegmentSpec {
  windowS: number;
  hopS: number;
}

const specs = new WeakMap<EmbedderClient, { at: number; spec: SegmentSpec | null }>();

/** The served model's segment windows (cached a minute): chunk boundaries must fall on its hop grid. */
async function segmentSpec(embedder: EmbedderClient): Promise<SegmentSpec | null> {
  const hit = specs.get(embedder);
  if (hit && Date.now() - hit.at < 60_000) return hit.spec;
  const info = (await embedder.model()) as { segment?: Partial<SegmentSpec> };
  const { windowS, hopS } = info.segment ?? {};
  const spec = windowS && hopS && windowS >= hopS ? { windowS, hopS } : null;
  specs.set(embedder, { at: Date.now(), spec });
  return spec;
}

/**
 * Decodes a file as a stream and embeds it chunk by chunk, so memory stays bounded for recordings of hours.
 * Chunks start on the model's hop grid, overlap by (window - hop) and leave at least one window for the last
 * chunk, so the segments are exactly the windows the model would cut from the whole file. Short files (the usual
 * case) are one chunk. Peaks are computed on the non-overlapping part of each chunk, whose length is a multiple
 * of the peak resolution, so the result equals peaks of the whole file.
 */
export async function embedFile(
  embedder: EmbedderClient,
  file: string,
  opts: {
    maxDurationS: number;
    /** Files over this many bytes fail with TOO_LARGE before decoding. */
    maxBytes?: number;
    onProgress?: (fraction: number) => void;
    /** Override the chunk length (samples; a multiple of the hop and of the peak resolution). */
    chunkSamples?: number;
  },
): Promise<EmbeddedFile> {
  const spec = await segmentSpec(embedder);
  // One decoder run (sox or ffmpeg) gives both the header facts (before the first chunk) and the samples.
  let info: StreamInfo = { durationEstimated: true };
  let spp = 256;
  const chunk = spec ? (opts.chunkSamples ?? chunkSamples(spec.hopS)) : Number.POSITIVE_INFINITY;
  const overlap = spec ? Math.round((spec.windowS - spec.hopS) * SR) : 0;
  const reserve = spec ? Math.round(spec.windowS * SR) : 0;
  const capacity = Math.min(Number.isFinite(chunk) ? chunk + overlap + reserve : 1 << 20, 1 << 26);

  // Sized from the header once it is known: a 2 s clip must not allocate (and zero) the 42 MB a whole chunk
  // takes; that cost the worker more CPU than decoding the clip. appendSamples grows it if the header was short.
  let buf = new Float32Array(0);
  let n = 0; // samples in buf
  const onInfo = (i: StreamInfo) => {
    info = i;
    spp = peakResolution(Math.ceil((i.durationS ?? 0) * SR));
    if (n === 0) buf = new Float32Array(Math.min(capacity, Math.ceil(((i.durationS ?? 60) + 0.5) * SR)));
  };
  let base = 0; // global sample index of buf[0]
  let model: ModelInfo | undefined;
  const segments: EmbeddedFile["segments"] = [];
  const peakData: number[] = [];

  const embed = async (pcm: Float32Array, keepUntil: number) => {
    const res = await embedder.embedAudio(pcm);
    if (model && (res.model.name !== model.name || res.model.version !== model.version)) {
      throw new EmbedderUnavailableError(`the embedder changed model mid-file (${res.model.version}); retrying`);
    }
    model = res.model;
    const offset = base / SR;
    for (const s of res.segments) {
      if (s.startS * SR >= keepUntil) continue; // belongs to the next chunk
      segments.push({ startS: round6(s.startS + offset), endS: round6(s.endS + offset), vector: s.vector });
    }
    const peaks = computePeaks(pcm.subarray(0, Math.min(keepUntil, pcm.length)), SR, { samplesPerPixel: spp });
    for (const v of peaks.data) peakData.push(v);
  };

  for await (const piece of decodeAudioStream(file, {
    sampleRate: SR,
    maxDurationS: opts.maxDurationS,
    maxBytes: opts.maxBytes,
    onInfo,
  })) {
    buf = appendSamples(buf, n, piece);
    n += piece.length;
    // Emit a chunk only while enough follows it for the last chunk to hold at least one whole window.
    while (n >= chunk + overlap + reserve) {
      // A view, not a copy: the request has been sent (and answered) before buf changes below.
      await embed(buf.subarray(0, chunk + overlap), chunk);
      buf.copyWithin(0, chunk, n);
      n -= chunk;
      base += chunk;
      if (info.durationS) opts.onProgress?.(Math.min(1, base / SR / info.durationS));
    }
  }
  const total = base + n;
  if (n > 0 || base === 0) await embed(buf.subarray(0, n), Number.POSITIVE_INFINITY);
  if (!model) throw new Error("no audio was decoded");
  return {
    info,
    model,
    segments,
    peaks: {
      version: 2,
      channels: 1,
      sample_rate: SR,
      samples_per_pixel: spp,
      bits: 8,
      length: peakData.length / 2,
      data: peakData,
    },
    samples: total,
  };
}

/** Samples per chunk: a multiple of the hop (grid) and of every peak resolution, near TARGET_CHUNK_S. */
export function chunkSamples(hopS: number): number {
  const hop = Math.round(hopS * SR);
  const step = lcm(hop, MAX_SPP);
  return step * Math.max(1, Math.round((TARGET_CHUNK_S * SR) / step));
}

/**
 * Waveform detail: 256 samples per pixel (16 ms), coarser for long files so the stored JSON stays under ~32k
 * pixels (peaks.js can zoom out from the stored level, not in).
 */
export function peakResolution(samples: number): number {
  let spp = 256;
  while (samples / spp > 32_768 && spp < MAX_SPP) spp *= 2;
  return spp;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;
