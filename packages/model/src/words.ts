// Word vectors of the text tower: vocab.txt (row n = line n) and a little-endian float16 matrix [V][wordDim].
import { readFile } from "node:fs/promises";
import { ModelError } from "./errors.ts";

/** float16 bit pattern -> float32, as a table (Node 20 has no Float16Array). */
const HALF_TO_FLOAT = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) table[h] = sign * frac * 2 ** -24;
    else if (exp === 31) table[h] = frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else table[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return table;
})();

export function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = HALF_TO_FLOAT[bits[i]!]!;
  return out;
}

export interface WordVectors {
  dim: number;
  size: number;
  /** Row index of a token, or undefined when it is out of vocabulary. */
  index: Map<string, number>;
  /** [size][dim] float32. */
  matrix: Float32Array;
}

export async function loadWordVectors(vocabPath: string, vectorsPath: string, dim: number): Promise<WordVectors> {
  const [vocabText, raw] = await Promise.all([
    readFile(vocabPath, "utf8").catch((err) => missing(vocabPath, err)),
    readFile(vectorsPath).catch((err) => missing(vectorsPath, err)),
  ]);
  const words = vocabText.split("\n");
  if (words.at(-1) === "") words.pop();
  const index = new Map<string, number>();
  words.forEach((w, i) => {
    if (!index.has(w)) index.set(w, i);
  });
  const expected = words.length * dim * 2;
  if (raw.byteLength !== expected) {
    throw new ModelError(
      "BUNDLE_FILE_CORRUPT",
      `${vectorsPath}: ${raw.byteLength} bytes, expected ${expected} (${words.length} words x ${dim} dims x 2 bytes)`,
    );
  }
  // Copy into an aligned buffer: a Buffer from readFile may sit at an odd offset of a shared pool.
  const bits = new Uint16Array(words.length * dim);
  Buffer.from(bits.buffer).set(raw);
  return { dim, size: words.length, index, matrix: halfToFloat(bits) };
}

function missing(file: string, err: unknown): never {
  throw new ModelError("BUNDLE_FILE_MISSING", `cannot read ${file}: ${(err as Error).message}`, { cause: err });
}
