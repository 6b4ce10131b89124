import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { segmentWindows } from "@earshot/audio";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audioFeeds } from "../src/audio.ts";
import { computeExpertInputs, loadModelBundle, type ModelBundle, ModelError, readManifest } from "../src/index.ts";
import { cosine, makeTinyBundle, maxDiff, testAudio } from "./helpers.ts";

let dir: string;
let bundle: ModelBundle;
const scratch: string[] = [];

beforeAll(async () => {
  dir = makeTinyBundle();
  bundle = await loadModelBundle(dir);
});
afterAll(async () => {
  await bundle?.close();
  for (const d of [dir, ...scratch]) if (d) rmSync(d, { recursive: true, force: true });
});

/** A copy of the tiny bundle with one thing broken. */
function broken(edit: (d: string) => void): string {
  const d = `${dir}-broken-${scratch.length}`;
  cpSync(dir, d, { recursive: true });
  scratch.push(d);
  edit(d);
  return d;
}

async function loadError(d: string): Promise<ModelError> {
  const err = await loadModelBundle(d).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("loadModelBundle", () => {
  it("reads the manifest and exposes name, version, dim and experts", () => {
    expect(bundle.name).toBe("tiny-test");
    expect(bundle.version).toBe("0.0.0-test");
    expect(bundle.dim).toBe(14);
    expect(bundle.expertNames).toEqual(["logmel", "spectral"]);
  });

  it("names what is wrong with a missing or corrupt bundle", async () => {
    expect((await loadError(path.join(dir, "nope"))).code).toBe("BUNDLE_NOT_FOUND");
    expect((await loadError(broken((d) => rmSync(path.join(d, "manifest.json"))))).code).toBe("BUNDLE_NOT_FOUND");
    const notJson = await loadError(broken((d) => writeFileSync(path.join(d, "manifest.json"), "{oops")));
    expect(notJson.code).toBe("BUNDLE_INVALID");
    expect(notJson.message).toMatch(/not valid JSON/);
    const badDim = await loadError(
      broken((d) => {
        const m = JSON.parse(readFileSync(path.join(d, "manifest.json"), "utf8"));
        m.dim = 15;
        writeFileSync(path.join(d, "manifest.json"), JSON.stringify(m));
      }),
    );
    expect(badDim.code).toBe("BUNDLE_INVALID");
    expect(badDim.message).toMatch(/dim: must equal the sum of expert embedDims \(14\)/);
    const noOnnx = await loadError(broken((d) => rmSync(path.join(d, "audio_tower.onnx"))));
    expect(noOnnx.code).toBe("BUNDLE_FILE_MISSING");
    const short = await loadError(broken((d) => truncateSync(path.join(d, "text/vectors.f16"), 100)));
    expect(short.code).toBe("BUNDLE_FILE_CORRUPT");
    const garbage = await loadError(broken((d) => writeFileSync(path.join(d, "text_tower.onnx"), "not onnx")));
    expect(garbage.code).toBe("ONNX_LOAD_FAILED");
    const renamed = await loadError(
      broken((d) => {
        const m = JSON.parse(readFileSync(path.join(d, "manifest.json"), "utf8"));
        m.experts[1].name = "other";
        writeFileSync(path.join(d, "manifest.json"), JSON.stringify(m));
      }),
    );
    expect(renamed.code).toBe("BUNDLE_INVALID");
    expect(renamed.message).toMatch(/missing outputs text_other/);
  });

  it("falls back to CPU with a warning when CUDA is asked for but unavailable", async () => {
    const warnings: string[] = [];
    const b = await loadModelBundle(dir, { executionProvider: "cuda", onWarning: (m) => warnings.push(m) });
    const r = await b.encodeTexts(["a dog barks"]);
    expect(r.vectors[0]).toHaveLength(14);
    // A machine with a usable CUDA provider runs there silently; anywhere else: CPU plus one warning per session.
    if (b.executionProvider === "cpu") expect(warnings.join("\n")).toMatch(/CUDA execution provider unavailable/);
    else expect(warnings).toEqual([]);
    await b.close();
    await expect(b.encodeTexts(["x"])).rejects.toMatchObject({ code: "CLOSED" });
  });
});

describe("encodeTexts", () => {
  it("gives mixture weights summing to 1 and vectors equal to the weighted concat of unit text embeddings", async () => {
    const texts = ["A dog barks, then a door slams", "heavy rain", "zzz unknown words only", ""];
    const r = await bundle.encodeTextsDetailed(texts);
    expect(r.vectors).toHaveLength(4);
    for (let i = 0; i < texts.length; i++) {
      expect(r.weights[i]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      const parts = r.perExpert[i]!;
      expect(dot(parts[0]!, parts[0]!)).toBeCloseTo(1, 5);
      const expected = [...parts[0]!.map((x) => x * r.weights[i]![0]!), ...parts[1]!.map((x) => x * r.weights[i]![1]!)];
      expect(maxDiff(r.vectors[i]!, expected)).toBeLessThan(1e-6);
    }
    // Texts with no known word (or no words) are valid queries and all encode alike.
    expect([...r.vectors[2]!]).toEqual([...r.vectors[3]!]);
  });

  it("rejects anything but an array of strings with BAD_INPUT", async () => {
    await expect(bundle.encodeTexts([42 as unknown as string])).rejects.toMatchObject({ code: "BAD_INPUT" });
    expect(await bundle.encodeTexts([])).toEqual({ vectors: [], weights: [] });
  });

  it("gives the same vector for a text alone and inside a padded batch", async () => {
    const alone = await bundle.encodeTexts(["rain"]);
    const batch = await bundle.encodeTexts(["a dog barks then a door slams while heavy rain falls", "rain"]);
    expect(maxDiff(alone.vectors[0]!, batch.vectors[1]!)).toBeLessThan(1e-6);
  });
});

describe("encodeAudio", () => {
  it("gives one vector per segment window; short clips are one segment", async () => {
    const long = await bundle.encodeAudio(testAudio(4.5));
    expect(long.map((s) => [s.startS, s.endS])).toEqual(
      segmentWindows(4.5, { windowS: 2, hopS: 1 }).map((w) => [w.startS, w.endS]),
    );
    for (const s of long) expect(s.vector).toHaveLength(14);
    expect(await bundle.encodeAudio(testAudio(0.5))).toHaveLength(1);
    // Fewer samples than one 25 ms frame: still one segment with a finite vector.
    const tiny = await bundle.encodeAudio(testAudio(0.01));
    expect(tiny).toHaveLength(1);
    expect(tiny[0]!.vector.every(Number.isFinite)).toBe(true);
  });

  it("rejects empty input with BAD_INPUT", async () => {
    await expect(bundle.encodeAudio(new Float32Array(0))).rejects.toMatchObject({ code: "BAD_INPUT" });
  });

  it("pads windows of different lengths in one batch without changing their embeddings", async () => {
    const manifest = await readManifest(dir);
    const features = await computeExpertInputs(testAudio(3), manifest);
    const session = await ort.InferenceSession.create(path.join(dir, "audio_tower.onnx"));
    const windows = [
      { startS: 0, endS: 3 },
      { startS: 0.5, endS: 1 },
    ];
    const together = await session.run(audioFeeds(manifest, features, windows));
    const alone = await session.run(audioFeeds(manifest, features, [windows[1]!]));
    const a = alone.audio_logmel!.data as Float32Array;
    const t = (together.audio_logmel!.data as Float32Array).slice(8, 16);
    expect(maxDiff(a, t)).toBeLessThan(1e-5);
    await session.release();
  });
});

describe("experts of every kind", () => {
  it("runs speech_embedding and an expert ONNX network next to the built-in frontends", async () => {
    const d = makeTinyBundle({ allFrontends: true });
    scratch.push(d);
    const b = await loadModelBundle(d);
    try {
      expect(b.expertNames).toEqual(["logmel", "spectral", "speech", "framewise"]);
      const pcm = testAudio(2.5);
      const feats = await b.computeExpertInputs(pcm);
      expect(feats.map((f) => [f.dims, f.hopS])).toEqual([
        [64, 0.01],
        [20, 0.01],
        [96, 0.08],
        [8, 0.01],
      ]);
      // The frame-wise network gives one vector per log-mel frame.
      expect(feats[3]!.frames).toBe(feats[0]!.frames);
      const segs = await b.encodeAudio(pcm);
      expect(segs).toHaveLength(2);
      for (const s of segs) {
        expect(s.vector).toHaveLength(22);
        expect(s.vector.every(Number.isFinite)).toBe(true);
      }
    } finally {
      await b.close();
    }
  });
});

describe("serving form", () => {
  it("one inner product equals the CE similarity sum_i w_i cos(t_i, a_i)", async () => {
    const texts = await bundle.encodeTextsDetailed(["dog barks", "a car engine", "birds sing", "door slams"]);
    const segs = [
      ...(await bundle.encodeAudioDetailed(testAudio(3.2, 7))),
      ...(await bundle.encodeAudioDetailed(testAudio(1.1, 9))),
    ];
    let checked = 0;
    texts.vectors.forEach((q, i) => {
      for (const s of segs) {
        const ce = texts.weights[i]!.reduce(
          (acc, w, k) => acc + w * cosine(texts.perExpert[i]![k]!, s.perExpert[k]!),
          0,
        );
        expect(Math.abs(dot(q, s.vector) - ce)).toBeLessThan(1e-5);
        checked++;
      }
    });
    expect(checked).toBe(4 * 4);
  });
});
