// Text side: tokens -> word vectors -> text tower ONNX -> query vector in serving form.
import type * as ort from "onnxruntime-node";
import { ModelError } from "./errors.ts";
import type { BundleManifest } from "./manifest.ts";
import { floatTensor, runSession } from "./onnx.ts";
import { tokenize } from "./tokenizer.ts";
import type { WordVectors } from "./words.ts";

/** Texts per ONNX run: bounds memory for long query lists without hurting single-query latency. */
const TEXT_BATCH = 64;

export interface TextEncoding {
  /** Serving-form query vectors: concat over experts of weight_i * unit text embedding_i. */
  vectors: Float32Array[];
  /** Mixture weights per text, in manifest expert order (sum 1). */
  weights: number[][];
  /** Unit-norm text embedding per expert, per text (for explicit CE similarity). */
  perExpert: Float32Array[][];
}

/**
 * Vocabulary rows of a text's tokens: out-of-vocabulary tokens are dropped, then the list is cut to maxTokens
 * (the training code does the same).
 */
export function tokenIds(text: string, words: WordVectors, maxTokens: number): number[] {
  const ids: number[] = [];
  for (const tok of tokenize(text)) {
    const id = words.index.get(tok);
    if (id === undefined) continue;
    ids.push(id);
    if (ids.length === maxTokens) break;
  }
  return ids;
}

/**
 * The text tower's feeds for a batch, padded to the longest text. A text without known tokens is all padding
 * (mask 0 everywhere), as the training code feeds it; the tower maps it to a fixed, finite embedding.
 */
export function textFeeds(
  idLists: number[][],
  words: WordVectors,
): { words: Float32Array; mask: Float32Array; dims: [number, number, number] } {
  const b = idLists.length;
  const t = Math.max(1, ...idLists.map((ids) => ids.length));
  const d = words.dim;
  const data = new Float32Array(b * t * d);
  const mask = new Float32Array(b * t);
  idLists.forEach((ids, i) => {
    ids.forEach((id, j) => {
      data.set(words.matrix.subarray(id * d, (id + 1) * d), (i * t + j) * d);
      mask[i * t + j] = 1;
    });
  });
  return { words: data, mask, dims: [b, t, d] };
}

export async function encodeTextsWith(
  session: ort.InferenceSession,
  words: WordVectors,
  manifest: BundleManifest,
  texts: string[],
): Promise<TextEncoding> {
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string")) {
    throw new ModelError("BAD_INPUT", "texts must be an array of strings");
  }
  const out: TextEncoding = { vectors: [], weights: [], perExpert: [] };
  const experts = manifest.experts;
  const outputNames = [...experts.map((e) => `text_${e.name}`), "weights"];
  for (let start = 0; start < texts.length; start += TEXT_BATCH) {
    const batch = texts.slice(start, start + TEXT_BATCH);
    const feeds = textFeeds(
      batch.map((t) => tokenIds(t, words, manifest.textTower.maxTokens)),
      words,
    );
    const res = await runSession(
      session,
      { words: floatTensor(feeds.words, feeds.dims), words_mask: floatTensor(feeds.mask, feeds.dims.slice(0, 2)) },
      outputNames,
    );
    const w = res.weights!.data as Float32Array;
    for (let i = 0; i < batch.length; i++) {
      const weights = experts.map((_, k) => w[i * experts.length + k]!);
      const perExpert = experts.map((e) => {
        const all = res[`text_${e.name}`]!.data as Float32Array;
        return unit(all.slice(i * e.embedDim, (i + 1) * e.embedDim));
      });
      out.weights.push(weights);
      out.perExpert.push(perExpert);
      out.vectors.push(concatScaled(perExpert, weights, manifest.dim));
    }
  }
  return out;
}

/** L2-normalises in place (the towers already emit unit vectors; this guards against drift) and returns it. */
export function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

export function concatScaled(parts: Float32Array[], scales: number[] | null, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let off = 0;
  parts.forEach((p, k) => {
    const s = scales ? scales[k]! : 1;
    for (let i = 0; i < p.length; i++) v[off + i] = s * p[i]!;
    off += p.length;
  });
  return v;
}
