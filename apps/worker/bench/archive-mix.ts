// The "archive mix" of `pnpm bench:ingest`: recordings whose lengths follow a real sound archive's, so "audio seconds
// per wall second" is measured on the mix an archive actually holds. Lengths are drawn (seeded) from the `secs`
// column of the BBC Sound Effects catalogue (16,011 entries: median 60 s, mean 108 s, p10 11 s, p90 281 s); the
// audio is real modsounds-dev audio, clips back to back, written as 44.1 kHz 16-bit stereo WAV (a common format for
// archive masters). The worker decodes them all with sox (files up to 256 MB, 20 min; see packages/audio/src/sox.ts).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { decodeAudio, encodeWav } from "@earshot/audio";
import { parse } from "csv-parse/sync";

export const MIX_SAMPLE_RATE = 44_100;

/** mulberry32: a small seeded PRNG, so every run draws the same mix. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The catalogue's durations in seconds (rows without a positive `secs` are skipped). */
export async function readCatalogueSeconds(csvFile: string): Promise<number[]> {
  const rows = parse(await readFile(csvFile, "utf8"), { columns: true }) as Array<{ secs: string }>;
  return rows.map((r) => Number(r.secs)).filter((s) => s > 0);
}

/** n durations drawn uniformly (with replacement) from the catalogue, each capped at capS. */
export function drawDurations(catalogue: number[], n: number, random: () => number, capS: number): number[] {
  return Array.from({ length: n }, () => Math.min(capS, catalogue[Math.floor(random() * catalogue.length)]!));
}

/**
 * Writes one WAV per duration into dir: the clips (decoded at 44.1 kHz mono, in a seeded shuffled order, cycling)
 * back to back and cut to length, the same signal on both channels (decoding costs the same whatever the content).
 */
export async function writeMixFiles(
  clips: string[],
  durationsS: number[],
  dir: string,
  random: () => number,
): Promise<string[]> {
  const order = clips.map((c) => ({ c, k: random() })).sort((a, b) => a.k - b.k);
  const pcm = await Promise.all(order.map(({ c }) => decodeAudio(c, { sampleRate: MIX_SAMPLE_RATE })));
  let next = 0; // the clip the next file starts with
  const files: string[] = [];
  for (const [i, seconds] of durationsS.entries()) {
    const frames = Math.round(seconds * MIX_SAMPLE_RATE);
    const stereo = new Float32Array(frames * 2);
    for (let o = 0; o < frames; ) {
      const clip = pcm[next++ % pcm.length]!;
      const n = Math.min(clip.length, frames - o);
      for (let j = 0; j < n; j++) {
        stereo[2 * (o + j)] = clip[j]!;
        stereo[2 * (o + j) + 1] = clip[j]!;
      }
      o += n;
    }
    const file = path.join(dir, `mix-${String(i).padStart(3, "0")}.wav`);
    await writeFile(file, encodeWav(stereo, { sampleRate: MIX_SAMPLE_RATE, channels: 2 }));
    files.push(file);
  }
  return files;
}
