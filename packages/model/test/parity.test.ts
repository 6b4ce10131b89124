// ORT (TypeScript) vs PyTorch parity on the committed fixture training/earshot_train/export.py writes: a tiny
// random CE bundle (training/fixtures/parity/bundle) plus its PyTorch inputs and outputs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audioFeeds } from "../src/audio.ts";
import { loadModelBundle, type ModelBundle } from "../src/index.ts";
import { openSession, runSession } from "../src/onnx.ts";
import { tokenIds } from "../src/text.ts";
import { loadWordVectors } from "../src/words.ts";
import { cosine, maxDiff } from "./helpers.ts";

const fixtureFile = path.join(repoRoot, "training/fixtures/parity/parity.json");

interface Fixture {
  bundle: string;
  version: string;
  tolerance: number;
  audio: {
    inputs: Record<string, { dims: number[]; data: number[] }>;
    outputs: Record<string, number[][]>;
  };
  text: { texts: string[]; tokenIds: number[][]; outputs: Record<string, number[][]> };
}

describe("ORT vs PyTorch parity (training/fixtures/parity/parity.json)", () => {
  let fx: Fixture;
  let bundle: ModelBundle;
  beforeAll(async () => {
    fx = JSON.parse(readFileSync(fixtureFile, "utf8"));
    bundle = await loadModelBundle(path.resolve(repoRoot, fx.bundle));
  });
  afterAll(async () => bundle?.close());

  it("the fixture was written for its bundle", () => {
    expect(bundle.version, "re-export the bundle and its fixture together").toBe(fx.version);
    expect(fx.tolerance).toBeLessThanOrEqual(1e-4);
  });

  it("text: same token ids, embeddings and mixture weights", async () => {
    const tt = bundle.manifest.textTower;
    const words = await loadWordVectors(
      path.join(bundle.dir, tt.vocab),
      path.join(bundle.dir, tt.wordVectors),
      tt.wordDim,
    );
    expect(fx.text.texts.map((t) => tokenIds(t, words, tt.maxTokens))).toEqual(fx.text.tokenIds);
    const r = await bundle.encodeTextsDetailed(fx.text.texts);
    bundle.manifest.experts.forEach((e, k) => {
      fx.text.texts.forEach((_, i) => {
        expect(maxDiff(r.perExpert[i]![k]!, fx.text.outputs[`text_${e.name}`]![i]!)).toBeLessThan(1e-4);
      });
    });
    fx.text.texts.forEach((_, i) => {
      expect(maxDiff(r.weights[i]!, fx.text.outputs.weights![i]!)).toBeLessThan(1e-4);
    });
  });

  it("audio: the tower on padded batches built by audioFeeds matches, and serving form equals CE similarity", async () => {
    // Rebuild each expert's rows as one feature sequence (hop 1 s per frame) cut by windows, so the padded batch is
    // produced by the serving code's own padding.
    const manifest = bundle.manifest;
    const features = manifest.experts.map((e) => {
      const x = fx.audio.inputs[e.name]!;
      const m = fx.audio.inputs[`${e.name}_mask`]!;
      const [b, t, d] = x.dims as [number, number, number];
      const rows: number[] = [];
      const lengths: number[] = [];
      for (let i = 0; i < b; i++) {
        const n = m.data.slice(i * t, (i + 1) * t).filter((v) => v > 0).length;
        lengths.push(n);
        rows.push(...x.data.slice(i * t * d, (i * t + n) * d));
      }
      return { seq: { data: Float32Array.from(rows), frames: rows.length / d, dims: d, hopS: 1 }, lengths };
    });
    // Every expert's fixture rows share lengths, so one set of windows cuts them all.
    const lengths = features[0]!.lengths;
    for (const f of features) expect(f.lengths).toEqual(lengths);
    let at = 0;
    const windows = lengths.map((n) => {
      const w = { startS: at, endS: at + n };
      at += n;
      return w;
    });
    const uncapped = { experts: manifest.experts.map((e) => ({ ...e, maxFrames: 0 })) };
    const { session } = await openSession(path.join(bundle.dir, manifest.audioTower.onnx));
    const names = manifest.experts.map((e) => `audio_${e.name}`);
    const res = await runSession(
      session,
      audioFeeds(
        uncapped,
        features.map((f) => f.seq),
        windows,
      ),
      names,
    );
    manifest.experts.forEach((e) => {
      const out = res[`audio_${e.name}`]!.data as Float32Array;
      fx.audio.outputs[`audio_${e.name}`]!.forEach((row, i) => {
        expect(maxDiff(out.slice(i * e.embedDim, (i + 1) * e.embedDim), row)).toBeLessThan(1e-4);
      });
    });
    await session.release();
    // Serving form against PyTorch: TS query vector . ORT segment vector == sum_i w_i cos(t_i, a_i) from PyTorch.
    const { vectors } = await bundle.encodeTexts(fx.text.texts);
    windows.forEach((_, j) => {
      const segment = manifest.experts.flatMap((e) => [
        ...(res[`audio_${e.name}`]!.data as Float32Array).slice(j * e.embedDim, (j + 1) * e.embedDim),
      ]);
      fx.text.texts.forEach((_, i) => {
        const ce = manifest.experts.reduce((acc, e, k) => {
          const t = fx.text.outputs[`text_${e.name}`]![i]!;
          const a = fx.audio.outputs[`audio_${e.name}`]![j]!;
          return acc + fx.text.outputs.weights![i]![k]! * cosine(t, a);
        }, 0);
        const served = vectors[i]!.reduce((acc, q, k) => acc + q * segment[k]!, 0);
        expect(Math.abs(served - ce)).toBeLessThan(1e-4);
      });
    });
  });
});
