import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioError, logMelVggish, OnnxExpert, spectralDescriptors } from "../src/index.ts";
import { tempDir } from "./fixtures.ts";

const tmp = tempDir("onnx");
beforeAll(() => {
  execFileSync("/usr/bin/python3", [join(import.meta.dirname, "make_onnx.py"), tmp.dir]);
});
afterAll(() => tmp.cleanup());

const tone = Float32Array.from({ length: 16000 * 3 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000));
const logmelEntry = { name: "logmel", frontend: "vggish_logmel", hopS: 0.01, batchSize: 50 };

describe("OnnxExpert on onnxruntime-node", () => {
  it("runs a frame-wise model over every log-mel frame, in batches, on CPU", async () => {
    const expert = await OnnxExpert.load(join(tmp.dir, "framewise.onnx"), logmelEntry);
    expect(expert.executionProvider).toBe("cpu");
    const out = await expert.run(tone);
    const lm = logMelVggish(tone);
    expect(out.frames).toBe(lm.frames); // 298 frames = 6 batches of 50, the last one short
    expect(out.dims).toBe(8);
    expect(out.hopS).toBeCloseTo(0.01, 9);
    for (const f of [0, 149, 297]) {
      for (const j of [0, 7]) {
        let want = 0;
        for (let i = 0; i < 64; i++) want += lm.data[f * 64 + i]! * ((i - j) / 100);
        expect(out.data[f * 8 + j]).toBeCloseTo(want, 4);
      }
    }
    await expert.close();
  });

  it("feeds a VGGish-shaped model [N, 96, 64] non-overlapping 0.96 s examples", async () => {
    const expert = await OnnxExpert.load(join(tmp.dir, "examples.onnx"), logmelEntry);
    const out = await expert.run(tone);
    expect(out.frames).toBe(3);
    expect(out.dims).toBe(4);
    expect(out.hopS).toBeCloseTo(0.96, 9);
    const lm = logMelVggish(tone);
    let want = 0; // example 1, output 2: mean over its frames of bands 2, 6, 10, ...
    for (let t = 96; t < 192; t++) for (let b = 2; b < 64; b += 4) want += lm.data[t * 64 + b]! / 96;
    expect(out.data[1 * 4 + 2]).toBeCloseTo(want, 3);
    // A clip shorter than one example is padded with silence and still gives one vector.
    const short = await expert.run(tone.subarray(0, 4000));
    expect(short.frames).toBe(1);
    expect([...short.data].every(Number.isFinite)).toBe(true);
    await expert.close();
  });

  it("accepts precomputed frames", async () => {
    const expert = await OnnxExpert.load(join(tmp.dir, "framewise.onnx"), { name: "x", frontend: "frames" });
    const data = new Float32Array(2 * 64).fill(1);
    const out = await expert.run({ data, frames: 2, dims: 64 });
    expect(out.frames).toBe(2);
    expect(out.data[0]).toBeCloseTo(20.16, 4); // Σ_i (i - 0) / 100
  });

  it("asked for CUDA without a CUDA build, it warns and runs on CPU", async () => {
    const warnings: string[] = [];
    const expert = await OnnxExpert.load(join(tmp.dir, "framewise.onnx"), logmelEntry, {
      executionProvider: "cuda",
      logger: { warn: (_obj, msg) => warnings.push(msg) },
    });
    expect(expert.executionProvider).toBe("cpu");
    expect(warnings).toHaveLength(1);
    expect((await expert.run(tone)).frames).toBe(298);
  });

  it("rejects mismatched models and missing files with typed errors", async () => {
    const spectral = await OnnxExpert.load(join(tmp.dir, "framewise.onnx"), {
      name: "s",
      frontend: "spectral_descriptors",
    });
    expect(spectralDescriptors(tone).dims).toBe(20);
    await expect(spectral.run(tone)).rejects.toThrow(/whole number of 20-d frames/);
    await expect(OnnxExpert.load(join(tmp.dir, "nope.onnx"), logmelEntry)).rejects.toBeInstanceOf(AudioError);
  });
});
