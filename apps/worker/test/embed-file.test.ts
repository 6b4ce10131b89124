import { rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { decodeAudio, encodeWav, MODEL_SAMPLE_RATE } from "@earshot/audio";
import { EmbedderClient } from "@earshot/embedder-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkSamples, embedFile } from "../src/embed-file.ts";
import { CLIPS_DIR, startEmbedder } from "./helpers.ts";

describe("embedFile", () => {
  let embedder: Awaited<ReturnType<typeof startEmbedder>>;
  let client: EmbedderClient;
  let file: string;

  beforeAll(async () => {
    embedder = await startEmbedder();
    client = new EmbedderClient(embedder.url);
    // A 57 s "recording": real clips back to back.
    const parts = await Promise.all(
      ["rain_heavy_01.ogg", "fire_crackle.ogg", "wind.ogg", "cicada_08.ogg", "camel_02.ogg"].map((f) =>
        decodeAudio(path.join(CLIPS_DIR, f)),
      ),
    );
    const pcm = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      pcm.set(p, o);
      o += p.length;
    }
    file = path.join(os.tmpdir(), `earshot-long-${process.pid}.wav`);
    await writeFile(file, encodeWav(pcm, { sampleRate: MODEL_SAMPLE_RATE }));
  });
  afterAll(async () => {
    await embedder?.close();
    await rm(file, { force: true });
  });

  it("embeds a long file in chunks into the same windows and peaks as in one piece", async () => {
    const whole = await embedFile(client, file, { maxDurationS: 3600, chunkSamples: 10 ** 9 });
    // 20 s chunks: a multiple of the 5 s hop and of 256-sample peak pixels.
    const chunked = await embedFile(client, file, { maxDurationS: 3600, chunkSamples: 20 * MODEL_SAMPLE_RATE });
    expect(chunked.samples).toBe(whole.samples);
    expect(chunked.segments.map((s) => [s.startS, s.endS])).toEqual(whole.segments.map((s) => [s.startS, s.endS]));
    expect(chunked.peaks).toEqual(whole.peaks);
    expect(chunked.info).toMatchObject({ codec: "pcm_s16le", sampleRate: MODEL_SAMPLE_RATE, channels: 1 });
    // Features near a chunk's start see no earlier audio, so vectors may differ a little, never much.
    for (const [i, s] of chunked.segments.entries()) {
      const w = whole.segments[i]!.vector;
      let dot = 0;
      let nw = 0;
      let nc = 0;
      for (let k = 0; k < w.length; k++) {
        dot += w[k]! * s.vector[k]!;
        nw += w[k]! ** 2;
        nc += s.vector[k]! ** 2;
      }
      expect(dot / Math.sqrt(nw * nc)).toBeGreaterThan(0.98);
    }
  });

  it("chunks on both the hop grid and every peak resolution", () => {
    const n = chunkSamples(5);
    expect(n).toBe(640 * MODEL_SAMPLE_RATE);
    expect(n % (5 * MODEL_SAMPLE_RATE)).toBe(0);
    expect(n % 16384).toBe(0);
  });
});
