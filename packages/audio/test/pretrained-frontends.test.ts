import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeAudio,
  EFFICIENTAT_BANDS,
  EFFICIENTAT_SAMPLE_RATE,
  efficientatLogMel,
  mn04Windows,
  upsample2x,
  yamnetPatches,
} from "../src/index.ts";
import { SHARED_CLIPS, tempDir } from "./fixtures.ts";

const REFERENCE = join(import.meta.dirname, "../../../training/reference");

function readF64(path: string): Float64Array {
  const buf = readFileSync(path);
  return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
}

/** max |a - b| / max(|b|, 1e-3), as in frontends.test.ts. */
function maxRelError(a: Float32Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-3));
  return worst;
}

describe("pretrained networks' front ends against the numpy references (training/reference)", () => {
  const tmp = tempDir("pretrained");
  const lines = readFileSync(join(SHARED_CLIPS, "manifest.csv"), "utf8").trim().split("\n").slice(1);
  // Every 24th clip: a spread of sources, lengths and levels; plus synthetic edge cases (short, exactly one patch).
  const clips = lines.filter((_, i) => i % 24 === 0).map((l) => l.split(",")[0]!);
  const inputs: Record<"yamnet" | "efficientat", Float32Array[]> = { yamnet: [], efficientat: [] };

  beforeAll(async () => {
    const synthetic = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.05) * 0.3);
    inputs.yamnet.push(synthetic(100), synthetic(15600), synthetic(15601 + 7680));
    inputs.efficientat.push(synthetic(300), synthetic(32000 + 17));
    for (const clip of clips) {
      inputs.yamnet.push(await decodeAudio(join(SHARED_CLIPS, clip)));
      inputs.efficientat.push(await decodeAudio(join(SHARED_CLIPS, clip), { sampleRate: EFFICIENTAT_SAMPLE_RATE }));
    }
    for (const [name, script] of [
      ["yamnet", "yamnet_logmel.py"],
      ["efficientat", "efficientat_logmel.py"],
    ] as const) {
      const args = inputs[name].flatMap((x, i) => {
        const src = join(tmp.dir, `${name}.${i}.f32`);
        writeFileSync(src, x);
        return [src, join(tmp.dir, `${name}.${i}.f64`)];
      });
      execFileSync("/usr/bin/python3", [join(REFERENCE, script), ...args]);
    }
  });
  afterAll(() => tmp.cleanup());

  it("yamnetPatches matches yamnet_logmel.py (padding, 48-frame hop, log offset 0.001) to < 1e-4", () => {
    const counts = inputs.yamnet.map((x, i) => {
      const ours = yamnetPatches(x);
      const ref = readF64(join(tmp.dir, `yamnet.${i}.f64`));
      expect(ours.data.length).toBe(ref.length);
      expect(maxRelError(ours.data, ref), `input ${i}`).toBeLessThan(1e-4);
      return ours.patches;
    });
    // 100 samples and exactly 0.975 s give one patch; one sample more than a hop past that gives three.
    expect(counts.slice(0, 3)).toEqual([1, 1, 3]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(40);
  });

  it("efficientatLogMel matches efficientat_logmel.py (pre-emphasis, centred frames, Kaldi mel) to < 1e-4", () => {
    for (const [i, x] of inputs.efficientat.entries()) {
      const ours = efficientatLogMel(x);
      const ref = readF64(join(tmp.dir, `efficientat.${i}.f64`));
      expect(ours.frames).toBe(1 + Math.floor(Math.max(x.length - 1, 513) / 320));
      expect(ours.data.length).toBe(ref.length);
      expect(maxRelError(ours.data, ref), `input ${i}`).toBeLessThan(1e-4);
    }
  });

  it("silence gives the floor values: log(0.001) for YAMNet, (log(1e-5) + 4.5) / 5 for mn04", () => {
    const y = yamnetPatches(new Float32Array(16000));
    expect([...y.data].every((v) => Math.abs(v - Math.log(0.001)) < 1e-6)).toBe(true);
    const e = efficientatLogMel(new Float32Array(32000));
    expect([...e.data].every((v) => Math.abs(v - (Math.log(1e-5) + 4.5) / 5) < 1e-6)).toBe(true);
  });
});

describe("upsample2x and mn04Windows (mn04 reads 32 kHz; the pipeline decodes at 16 kHz)", () => {
  it("interpolates a band-limited signal to within 1e-3 of the same signal sampled at 32 kHz", () => {
    const tone = (rate: number, n: number) =>
      Float32Array.from(
        { length: n },
        (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate) + 0.3 * Math.sin((2 * Math.PI * 5100 * i) / rate),
      );
    const up = upsample2x(tone(16000, 16000));
    const exact = tone(32000, 32000);
    let worst = 0;
    for (let i = 64; i < up.length - 64; i++) worst = Math.max(worst, Math.abs(up[i]! - exact[i]!));
    expect(up.length).toBe(32000);
    expect(worst).toBeLessThan(1e-3);
  });

  it("cuts 1 s windows every 0.5 s from one log-mel of the padded clip", () => {
    expect(mn04Windows(new Float32Array(100)).windows).toBe(1);
    expect(mn04Windows(new Float32Array(16000)).windows).toBe(1);
    const clip = Float32Array.from({ length: 16000 * 2.2 }, (_, i) => Math.sin(i / 7) * (i % 1000) * 1e-4);
    const w = mn04Windows(clip);
    expect(w.windows).toBe(4); // 1 + ceil((35200 - 16000) / 8000)
    // Window 1 starts 50 log-mel frames into window 0: row b of window 0 from frame 50 = row b of window 1.
    const per = EFFICIENTAT_BANDS * 100;
    for (const b of [0, 64, 127])
      expect(w.data.subarray(per + b * 100, per + b * 100 + 50)).toEqual(w.data.subarray(b * 100 + 50, b * 100 + 100));
  });
});
