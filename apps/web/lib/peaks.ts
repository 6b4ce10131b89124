/** audiowaveform JSON (the format peaks.js reads): interleaved min/max pairs per channel per pixel. */
export interface AudiowaveformJson {
  version?: number;
  channels?: number;
  sample_rate: number;
  samples_per_pixel: number;
  bits: number;
  length: number;
  data: number[];
}

/** Per-column envelope scaled to -1..1, merged over channels. */
export interface Envelope {
  min: Float32Array;
  max: Float32Array;
}

const cache = new Map<string, Promise<AudiowaveformJson>>();

/** Fetches peaks once per asset (the signed URL changes between queries, the peaks do not). */
export function loadPeaks(assetId: string, url: string): Promise<AudiowaveformJson> {
  let p = cache.get(assetId);
  if (!p) {
    p = fetch(url).then(async (res) => {
      if (!res.ok) throw new Error(`peaks: HTTP ${res.status}`);
      return (await res.json()) as AudiowaveformJson;
    });
    p.catch(() => cache.delete(assetId));
    cache.set(assetId, p);
  }
  return p;
}

/** Resamples the waveform to `columns` columns (min of mins, max of maxes per column), normalised to full scale. */
export function envelope(json: AudiowaveformJson, columns: number): Envelope {
  const channels = Math.max(1, json.channels ?? 1);
  const frames = Math.floor(json.data.length / (2 * channels));
  const min = new Float32Array(columns);
  const max = new Float32Array(columns);
  if (frames === 0 || columns === 0) return { min, max };
  let peak = 0;
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * frames) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * frames) / columns));
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let f = from; f < to && f < frames; f++) {
      for (let ch = 0; ch < channels; ch++) {
        const i = (f * channels + ch) * 2;
        lo = Math.min(lo, json.data[i] ?? 0);
        hi = Math.max(hi, json.data[i + 1] ?? 0);
      }
    }
    min[c] = lo;
    max[c] = hi;
    peak = Math.max(peak, Math.abs(lo), Math.abs(hi));
  }
  // Quiet recordings are scaled up to fill the row: the shape matters more than the absolute level here.
  const scale = peak > 0 ? 1 / peak : 0;
  for (let c = 0; c < columns; c++) {
    min[c] = (min[c] ?? 0) * scale;
    max[c] = (max[c] ?? 0) * scale;
  }
  return { min, max };
}
