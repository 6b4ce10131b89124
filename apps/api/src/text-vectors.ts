// Text vectors of tag candidates for suggestTags, kept across requests: the built-in vocabulary and each tenant's
// tags are encoded once per model version instead of on every call. Bounded by bytes (LRU): tenants choose their
// tags, so an unbounded map grows with whatever they send (issue #18: 16,000 tags took the API from 246 to 413 MB).
import type { EmbedderClient } from "@earshot/embedder-client";
import { LRUCache } from "lru-cache";

export type TextVectorCache = LRUCache<string, Float32Array>;

/** 32 MiB: the vocabulary and a few thousand tags at 1536 dims (6 KiB each). */
export const DEFAULT_TEXT_VECTOR_CACHE_BYTES = 32 * 1024 ** 2;

/** Per entry besides the vector's bytes: the key (UTF-16) and the cache's own bookkeeping, roughly. */
const ENTRY_OVERHEAD = 96;

export function createTextVectorCache(maxBytes = DEFAULT_TEXT_VECTOR_CACHE_BYTES): TextVectorCache {
  return new LRUCache<string, Float32Array>({
    maxSize: maxBytes,
    sizeCalculation: (vector, key) => vector.byteLength + key.length * 2 + ENTRY_OVERHEAD,
  });
}

/**
 * The vector of each text under the given model, from the cache or (for the rest) from the embedder, in the order
 * of `texts`. Works whatever the cache keeps: vectors fetched now are returned directly, not read back from it.
 */
export async function textVectors(
  cache: TextVectorCache,
  embedder: Pick<EmbedderClient, "embedTexts">,
  model: { id: string; version: string; dim: number },
  texts: readonly string[],
): Promise<{ vectors: Float32Array[]; modelMismatch?: string }> {
  const keyOf = (t: string) => `${model.id}\n${t}`;
  const found = texts.map((t) => cache.get(keyOf(t)));
  const missing = texts.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) {
    const res = await embedder.embedTexts(missing);
    if (res.model.version !== model.version || res.model.dim !== model.dim) {
      return { vectors: [], modelMismatch: res.model.version };
    }
    const fresh = new Map<string, Float32Array>();
    missing.forEach((t, i) => {
      const v = res.vectors[i] as Float32Array;
      fresh.set(t, v);
      cache.set(keyOf(t), v);
    });
    texts.forEach((t, i) => {
      found[i] ??= fresh.get(t);
    });
  }
  return { vectors: found as Float32Array[] };
}
