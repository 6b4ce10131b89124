import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import { describe, expect, it } from "vitest";
import { loadModelBundle, readManifest } from "../src/index.ts";
import { cosine } from "./helpers.ts";

const dir = path.join(repoRoot, "models/default");

function bytesUnder(d: string): number {
  return readdirSync(d, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? bytesUnder(path.join(d, e.name)) : statSync(path.join(d, e.name)).size),
    0,
  );
}

describe("the shipped default bundle", () => {
  it("stays under the 30 MB the repository allows for it", () => {
    expect(bytesUnder(dir)).toBeLessThan(30_000_000);
  });

  it("declares the label bank its text tower carries, and phrasing a query barely moves it", async () => {
    const manifest = await readManifest(dir);
    const bank = (manifest.textTower as { labelBank?: { size: number; topK: number } }).labelBank;
    expect(bank?.size).toBeGreaterThan(1000);
    expect(bank?.topK).toBeLessThanOrEqual(bank?.size ?? 0);
    const model = await loadModelBundle(dir);
    try {
      const { vectors } = await model.encodeTexts(["dog barking", "the sound of dog barking", "glass shattering"]);
      const [bare, phrased, other] = vectors as [Float32Array, Float32Array, Float32Array];
      expect(cosine(bare, phrased)).toBeGreaterThan(0.9);
      expect(cosine(bare, phrased)).toBeGreaterThan(cosine(bare, other) + 0.2);
    } finally {
      await model.close();
    }
  });
});
