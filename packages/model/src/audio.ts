// Audio side: expert features of the whole clip, sliced per segment window, through the audio tower in batches.
import { MODEL_SAMPLE_RATE, segmentWindows } from "@earshot/audio";
import type * as ort from "onnxruntime-node";
import { ModelError } from "./errors.ts";
import { computeExpertInputs, type FeatureSequence, type OnnxFrontends, windowFrames } from "./experts.ts";
import type { BundleManifest } from "./manifest.ts";
import { floatTensor, runSession } from "./onnx.ts";
import { concatScaled, unit } from "./text.ts";

/** Segment windows per ONNX run. */
const AUDIO_BATCH = 16;

export interface SegmentEncoding {
  startS: number;
  endS: number;
  /** Serving form: concat over experts of the unit expert embedding. */
  vector: Float32Array;
  /** Unit embedding per expert (for explicit CE similarity). */
  perExpert: Float32Array[];
}

/** Segment windows of a clip; a clip shorter than one window is one segment covering all of it. */
export function clipSegments(durationS: number, segment: { windowS: number; hopS: number }) {
  const windows = segmentWindows(durationS, segment);
  return windows.length > 0 ? windows : [{ startS: 0, endS: durationS }];
}

/**
 * The audio tower's feeds for a batch of windows: per expert `<name>` [B,T,D] zero-padded and `<name>_mask` [B,T].
 * A window holding no frame of an expert (a clip shorter than its first frame) gets one zero frame with mask 1.
 */
export function audioFeeds(
  manifest: Pick<BundleManifest, "experts">,
  features: FeatureSequence[],
  windows: Array<{ startS: number; endS: number }>,
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  manifest.experts.forEach((e, k) => {
    const seq = features[k]!;
    const spans = windows.map((w) => windowFrames(seq, w.startS, w.endS, e.maxFrames));
    const t = Math.max(1, ...spans.map((s) => s.count));
    const d = seq.dims;
    const data = new Float32Array(windows.length * t * d);
    const mask = new Float32Array(windows.length * t);
    spans.forEach((s, i) => {
      data.set(seq.data.subarray(s.start * d, (s.start + s.count) * d), i * t * d);
      mask.fill(1, i * t, i * t + Math.max(1, s.count));
    });
    feeds[e.name] = floatTensor(data, [windows.length, t, d]);
    feeds[`${e.name}_mask`] = floatTensor(mask, [windows.length, t]);
  });
  return feeds;
}

export async function encodeAudioWith(
  session: ort.InferenceSession,
  manifest: BundleManifest,
  onnx: OnnxFrontends,
  pcm16k: Float32Array,
): Promise<SegmentEncoding[]> {
  if (!(pcm16k instanceof Float32Array) || pcm16k.length === 0) {
    throw new ModelError("BAD_INPUT", "audio must be a non-empty Float32Array of 16 kHz mono samples");
  }
  const features = await computeExpertInputs(pcm16k, manifest, onnx);
  const windows = clipSegments(pcm16k.length / MODEL_SAMPLE_RATE, manifest.segment);
  const outputNames = manifest.experts.map((e) => `audio_${e.name}`);
  const out: SegmentEncoding[] = [];
  for (let start = 0; start < windows.length; start += AUDIO_BATCH) {
    const batch = windows.slice(start, start + AUDIO_BATCH);
    const res = await runSession(session, audioFeeds(manifest, features, batch), outputNames);
    batch.forEach((w, i) => {
      const perExpert = manifest.experts.map((e) =>
        unit((res[`audio_${e.name}`]!.data as Float32Array).slice(i * e.embedDim, (i + 1) * e.embedDim)),
      );
      out.push({ startS: w.startS, endS: w.endS, vector: concatScaled(perExpert, null, manifest.dim), perExpert });
    });
  }
  return out;
}
