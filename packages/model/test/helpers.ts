// Test helpers: a tiny random bundle made by fixtures/make_tiny_bundle.py, and deterministic test audio.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A tiny random bundle; with allFrontends it also has a speech_embedding expert and one with its own ONNX net;
 * with pretrained (a converted folder) yamnet and mn04 experts naming that folder's networks.
 */
export function makeTinyBundle(opts: { allFrontends?: boolean; pretrained?: string } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "earshot-tiny-bundle-"));
  const args = [path.join(import.meta.dirname, "fixtures/make_tiny_bundle.py"), dir];
  if (opts.allFrontends) args.push("--all-frontends");
  if (opts.pretrained) args.push("--pretrained", opts.pretrained);
  execFileSync("/usr/bin/python3", args);
  return dir;
}

/** Seeded noise plus a chirp, so features vary over time. */
export function testAudio(seconds: number, seed = 1): Float32Array {
  const n = Math.round(seconds * 16000);
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const t = i / 16000;
    out[i] = 0.1 * (s / 2 ** 31 - 0.5) + 0.3 * Math.sin(2 * Math.PI * (200 + 300 * t) * t);
  }
  return out;
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Cosine of two vectors of equal length. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}
