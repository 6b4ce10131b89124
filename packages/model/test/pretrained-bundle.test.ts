// Bundles with pretrained experts (yamnet_embedding, mn04_embedding): they name the network converted in
// models/pretrained by source sha256 and load only where that folder holds it. The tests that run the networks are
// skipped, saying why, on a machine without models/pretrained; the refusal tests run everywhere.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import { afterAll, describe, expect, it } from "vitest";
import { loadModelBundle, ModelError, readManifest } from "../src/index.ts";
import { cosine, makeTinyBundle, testAudio } from "./helpers.ts";

const CONVERTED = path.join(repoRoot, "models/pretrained");
const converted = existsSync(path.join(CONVERTED, "manifest.json"));
if (!converted) console.warn(`pretrained-bundle.test.ts: ${CONVERTED} is absent, the network tests are skipped`);

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});
function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(d);
  return d;
}

/** A converted folder's manifest.json alone (no networks): enough for a bundle to name its sources. */
function fakeConverted(): string {
  const d = tmp("earshot-fake-pretrained-");
  const sources = {
    "yamnet_public_dynint8.tflite": "a".repeat(64),
    "efficientat_mn04_as_mAP_432.pt": "b".repeat(64),
  };
  writeFileSync(path.join(d, "manifest.json"), JSON.stringify({ sources, experts: {} }));
  return d;
}

async function loadError(dir: string, pretrainedDir?: string): Promise<ModelError> {
  const err = await loadModelBundle(dir, { pretrainedDir }).then(
    (b) => b.close().then(() => null),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

describe("bundles with pretrained experts, refused without their networks", () => {
  it("fails with PRETRAINED_MISSING and the set-up hint when the converted folder is absent", async () => {
    const dir = makeTinyBundle({ pretrained: fakeConverted() });
    scratch.push(dir);
    const err = await loadError(dir, path.join(os.tmpdir(), "earshot-no-such-pretrained"));
    expect(err.code).toBe("PRETRAINED_MISSING");
    expect(err.message).toMatch(/expert yamnet needs the pretrained network yamnet, but .* holds no converted/);
    expect(err.message).toMatch(/scripts\/setup\.sh/);
  });

  it("fails with PRETRAINED_MISSING when the folder lacks the network", async () => {
    const fake = fakeConverted();
    const dir = makeTinyBundle({ pretrained: fake });
    scratch.push(dir);
    expect((await loadError(dir, fake)).message).toMatch(/has no network yamnet/);
  });

  it("rejects a manifest whose pretrained expert does not name its network", async () => {
    const dir = makeTinyBundle({ pretrained: fakeConverted() });
    scratch.push(dir);
    const file = path.join(dir, "manifest.json");
    const m = JSON.parse(readFileSync(file, "utf8"));
    delete m.experts[2].pretrained;
    writeFileSync(file, JSON.stringify(m));
    await expect(readManifest(dir)).rejects.toThrow(/experts\.2\.pretrained: required for yamnet_embedding/);
  });
});

describe.skipIf(!converted)("bundles with pretrained experts, run from models/pretrained", () => {
  it("loads, computes yamnet (1024-d / 0.48 s) and mn04 (384-d / 0.5 s) inputs and encodes audio", async () => {
    const dir = makeTinyBundle({ pretrained: CONVERTED });
    scratch.push(dir);
    const bundle = await loadModelBundle(dir);
    try {
      const clip = testAudio(3.3);
      const [, , yamnet, mn04] = await bundle.computeExpertInputs(clip);
      // 1 + ceil((52800 - 15600) / 7680) patches; 1 + ceil((52800 - 16000) / 8000) windows.
      expect([yamnet!.frames, yamnet!.dims, yamnet!.hopS]).toEqual([6, 1024, 0.48]);
      expect([mn04!.frames, mn04!.dims, mn04!.hopS]).toEqual([6, 384, 0.5]);
      expect(yamnet!.data.every(Number.isFinite) && mn04!.data.every(Number.isFinite)).toBe(true);
      // Overlapping steps: the clip's second step is the first step of the clip started one hop later.
      const [, , yamnetLater] = await bundle.computeExpertInputs(clip.subarray(7680));
      const row = (d: Float32Array, dims: number, k: number) => d.subarray(k * dims, (k + 1) * dims);
      expect(cosine(row(yamnet!.data, 1024, 1), row(yamnetLater!.data, 1024, 0))).toBeGreaterThan(0.9999);
      // mn04's log-mel is centred, so the shifted clip's first frames differ at the edge; still nearly the same.
      const [, , , mn04Half] = await bundle.computeExpertInputs(clip.subarray(8000));
      expect(cosine(row(mn04!.data, 384, 1), row(mn04Half!.data, 384, 0))).toBeGreaterThan(0.98);
      const segs = await bundle.encodeAudio(clip);
      expect(segs.length).toBeGreaterThan(0);
      expect(segs[0]!.vector.length).toBe(bundle.dim);
      expect(segs[0]!.vector.every(Number.isFinite)).toBe(true);
    } finally {
      await bundle.close();
    }
  });

  it("fails with PRETRAINED_MISMATCH when the network was converted from another source file", async () => {
    const dir = makeTinyBundle({ pretrained: CONVERTED });
    scratch.push(dir);
    // The same networks, but a folder whose manifest says they came from different weights.
    const other = tmp("earshot-other-pretrained-");
    const m = JSON.parse(readFileSync(path.join(CONVERTED, "manifest.json"), "utf8"));
    m.sources["yamnet_public_dynint8.tflite"] = "0".repeat(64);
    m.experts.yamnet.onnx = path.join(CONVERTED, m.experts.yamnet.onnx);
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(other, "manifest.json"), JSON.stringify(m));
    const err = await loadError(dir, other);
    expect(err.code).toBe("PRETRAINED_MISMATCH");
    expect(err.message).toMatch(/expert yamnet was trained on yamnet from yamnet_public_dynint8\.tflite/);
  });
});
