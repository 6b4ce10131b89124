import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  computeStftFrontends,
  decodeAudio,
  logMelVggish,
  logMelVggishStream,
  SPECTRAL_DIMS,
  segmentWindows,
  spectralDescriptors,
  vggishExamples,
} from "../src/index.ts";
import { forEachMagnitudeBlock, HOP_SAMPLES, SPECTRUM_BINS, WINDOW_SAMPLES } from "../src/stft.ts";
import { SHARED_CLIPS, tempDir } from "./fixtures.ts";

const REFERENCE = join(import.meta.dirname, "../../../training/reference");

/** max over elements of |a - b| / max(|b|, 1e-3): relative error, with a floor so values near 0 stay meaningful. */
function maxRelError(a: Float32Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-3));
  return worst;
}

function readF64(path: string): Float64Array {
  const buf = readFileSync(path);
  return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
}

describe("parity with the independent numpy reference (training/reference) on real clips", () => {
  const tmp = tempDir("parity");
  const lines = readFileSync(join(SHARED_CLIPS, "manifest.csv"), "utf8").trim().split("\n").slice(1);
  // Every 16th clip plus the longest, a spread of sources, lengths and levels.
  const byLength = [...lines].sort((x, y) => Number(y.split(",")[2]) - Number(x.split(",")[2]));
  const clips = [...new Set([byLength[0]!, ...lines.filter((_, i) => i % 16 === 0)])].map((l) => l.split(",")[0]!);
  const pcm: Float32Array[] = [];

  beforeAll(async () => {
    const args: Record<"logmel" | "spectral", string[]> = { logmel: [], spectral: [] };
    for (const [i, clip] of clips.entries()) {
      const x = await decodeAudio(join(SHARED_CLIPS, clip));
      pcm.push(x);
      const src = join(tmp.dir, `${i}.f32`);
      writeFileSync(src, x);
      args.logmel.push(src, join(tmp.dir, `${i}.logmel.f64`));
      args.spectral.push(src, join(tmp.dir, `${i}.spectral.f64`));
    }
    execFileSync("/usr/bin/python3", [join(REFERENCE, "vggish_logmel.py"), ...args.logmel]);
    execFileSync("/usr/bin/python3", [join(REFERENCE, "spectral_descriptors.py"), ...args.spectral]);
  });
  afterAll(() => tmp.cleanup());

  it(`logMelVggish matches vggish_logmel.py to relative error < 1e-4 (${clips.length} clips)`, () => {
    let frames = 0;
    for (const [i, x] of pcm.entries()) {
      const ours = logMelVggish(x);
      const ref = readF64(join(tmp.dir, `${i}.logmel.f64`));
      expect(ours.data.length).toBe(ref.length);
      expect(maxRelError(ours.data, ref), clips[i]).toBeLessThan(1e-4);
      frames += ours.frames;
    }
    expect(frames).toBeGreaterThan(4000); // about 40 s of real audio
  });

  it("spectralDescriptors matches spectral_descriptors.py to relative error < 1e-4", () => {
    for (const [i, x] of pcm.entries()) {
      const ours = spectralDescriptors(x);
      const ref = readF64(join(tmp.dir, `${i}.spectral.f64`));
      expect(ours.dims).toBe(SPECTRAL_DIMS);
      expect(ours.data.length).toBe(ref.length);
      expect(maxRelError(ours.data, ref), clips[i]).toBeLessThan(1e-4);
    }
  });
});

describe("frontend details", () => {
  it("each frame's spectrum is the direct DFT of the Hann-windowed, zero-padded frame", () => {
    const pcm = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 0.37) + (i % 5) * 0.1);
    const start = 160; // frame 1
    const seen: number[][] = [];
    forEachMagnitudeBlock(pcm, (first, count, mag) => {
      for (let f = first; f < first + count; f++)
        if (f === 1) seen.push([...mag.subarray((f - first) * SPECTRUM_BINS, (f - first + 1) * SPECTRUM_BINS)]);
    });
    const mag = seen[0]!;
    for (const k of [0, 1, 37, 128, 255, 256]) {
      let re = 0;
      let im = 0;
      for (let t = 0; t < 400; t++) {
        const x = pcm[start + t]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * t) / 400));
        re += x * Math.cos((2 * Math.PI * k * t) / 512);
        im -= x * Math.sin((2 * Math.PI * k * t) / 512);
      }
      expect(mag[k]).toBeCloseTo(Math.hypot(re, im), 9);
    }
  });

  it("gives every frame the same numbers wherever the 256-frame blocks fall, and one pass for several frontends", () => {
    const long = Float32Array.from(
      { length: WINDOW_SAMPLES + 2000 * HOP_SAMPLES },
      (_, i) => Math.sin(i * 0.031 + Math.sin(i * 1e-4) * 40) * 0.3,
    );
    // The same signal from frame 100 on: its blocks start 100 frames later than the long one's.
    const shifted = long.slice(100 * HOP_SAMPLES);
    const lm = logMelVggish(long);
    expect(logMelVggish(shifted).data).toEqual(lm.data.subarray(100 * 64));
    // The descriptors' flux compares with the previous frame, which the shifted signal's first frame lacks.
    const sd = spectralDescriptors(long);
    expect(spectralDescriptors(shifted).data.subarray(SPECTRAL_DIMS)).toEqual(sd.data.subarray(101 * SPECTRAL_DIMS));
    const both = computeStftFrontends(long, ["vggish_logmel", "spectral_descriptors"]);
    expect(both.vggish_logmel!.data).toEqual(lm.data);
    expect(both.spectral_descriptors!.data).toEqual(sd.data);
  });

  it("frames lie inside the signal: 1 + floor((n - 400) / 160), none for under 25 ms", () => {
    expect(logMelVggish(new Float32Array(399)).frames).toBe(0);
    expect(logMelVggish(new Float32Array(400)).frames).toBe(1);
    expect(logMelVggish(new Float32Array(16000)).frames).toBe(98);
    expect(spectralDescriptors(new Float32Array(16000)).frames).toBe(98);
  });

  it("silence is finite everywhere: log(0.01) for log-mel, defined values for descriptors", () => {
    const lm = logMelVggish(new Float32Array(1600));
    expect([...lm.data].every((v) => Math.abs(v - Math.log(0.01)) < 1e-6)).toBe(true);
    const sd = spectralDescriptors(new Float32Array(1600));
    expect([...sd.data].every(Number.isFinite)).toBe(true);
  });

  it("vggishExamples cuts 96-frame patches and pads short clips only when asked", () => {
    const lm = logMelVggish(new Float32Array(16000 * 3));
    expect(lm.frames).toBe(298);
    const ex = vggishExamples(lm);
    expect(ex.examples).toBe(3);
    expect(ex.data.length).toBe(3 * 96 * 64);
    const short = logMelVggish(new Float32Array(8000));
    expect(vggishExamples(short).examples).toBe(0);
    const padded = vggishExamples(short, { minExamples: 1 });
    expect(padded.examples).toBe(1);
    expect(padded.data[95 * 64]).toBeCloseTo(Math.log(0.01), 6);
  });
});

describe("segmentWindows", () => {
  it("covers a long recording with overlapping full windows, the last one ending at the end", () => {
    expect(segmentWindows(23.3, { windowS: 10, hopS: 5 })).toEqual([
      { startS: 0, endS: 10 },
      { startS: 5, endS: 10 + 5 },
      { startS: 10, endS: 20 },
      { startS: 13.3, endS: 23.3 },
    ]);
    expect(segmentWindows(20, { windowS: 10, hopS: 5 })).toHaveLength(3);
    const hour = segmentWindows(3600, { windowS: 10, hopS: 5 });
    expect(hour).toHaveLength(719);
    expect(hour.at(-1)).toEqual({ startS: 3590, endS: 3600 });
  });

  it("gives one window for short clips and none for empty ones; rejects bad settings", () => {
    expect(segmentWindows(3.2, { windowS: 10, hopS: 5 })).toEqual([{ startS: 0, endS: 3.2 }]);
    expect(segmentWindows(0, { windowS: 10, hopS: 5 })).toEqual([]);
    expect(() => segmentWindows(10, { windowS: 0, hopS: 5 })).toThrow(RangeError);
  });
});

describe("logMelVggishStream", () => {
  it("gives exactly the frames of one whole-signal call, whatever the chunking", async () => {
    const pcm = Float32Array.from({ length: 16000 * 2 + 123 }, (_, i) => Math.sin(i * 0.01) * Math.cos(i * 0.0007));
    async function* chunks() {
      for (let i = 0, n = 1; i < pcm.length; i += n, n = (n * 7 + 13) % 3001) yield pcm.subarray(i, i + n);
    }
    const blocks: Float32Array[] = [];
    let frames = 0;
    for await (const b of logMelVggishStream(chunks())) {
      blocks.push(b.data);
      frames += b.frames;
    }
    const whole = logMelVggish(pcm);
    expect(frames).toBe(whole.frames);
    const joined = new Float32Array(whole.data.length);
    let o = 0;
    for (const b of blocks) {
      joined.set(b, o);
      o += b.length;
    }
    expect(joined).toEqual(whole.data);
  });
});
