import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio, OnnxExpert, SPEECH_EMBEDDING_DIMS, SpeechEmbedding } from "../src/index.ts";
import { SHARED_CLIPS, tempDir } from "./fixtures.ts";

const tmp = tempDir("speech");
let speech: SpeechEmbedding;
let clip: Float32Array; // the longest shared clip (20 s), so mel frames cross a 10 s chunk boundary
beforeAll(async () => {
  execFileSync("/usr/bin/python3", [join(import.meta.dirname, "make_onnx.py"), tmp.dir]);
  speech = await SpeechEmbedding.load();
  clip = await decodeAudio(join(SHARED_CLIPS, "audio/wind.ogg"));
});
afterAll(async () => {
  await speech.close();
  tmp.cleanup();
});

describe("speech embedding (openWakeWord's speech_embedding ONNX pair)", () => {
  it("gives one 96-d vector per 80 ms", async () => {
    const out = await speech.run(clip);
    const melFrames = 1 + Math.floor((clip.length - 512) / 160);
    expect(out.dims).toBe(SPEECH_EMBEDDING_DIMS);
    expect(out.frames).toBe(1 + Math.floor((melFrames - 76) / 8));
    expect(out.hopS).toBeCloseTo(0.08, 9);
    expect([...out.data].every(Number.isFinite)).toBe(true);
  });

  it("computes the mel in 10 s chunks exactly as in one piece", async () => {
    expect(clip.length).toBeGreaterThan(16000 * 12);
    const whole = await speech.melFrames(clip);
    // Frames 990..1009 straddle the first chunk boundary; recompute them from a clip starting at frame 990.
    const part = await speech.melFrames(clip.subarray(990 * 160, 990 * 160 + 512 + 100 * 160));
    for (let i = 0; i < 20 * 32; i++) expect(part.data[i]).toBeCloseTo(whole.data[990 * 32 + i]!, 4);
  });

  it("pads clips shorter than one 0.78 s window and still returns a vector", async () => {
    const out = await speech.run(clip.subarray(0, 4000));
    expect(out.frames).toBe(1);
  });

  it("feeds an expert head through OnnxExpert with frontend speech_embedding", async () => {
    const expert = await OnnxExpert.load(join(tmp.dir, "speechhead.onnx"), {
      name: "speech",
      frontend: "speech_embedding",
    });
    const emb = await speech.run(clip);
    const out = await expert.run(clip);
    expect(out.frames).toBe(emb.frames);
    expect(out.dims).toBe(4);
    expect(out.hopS).toBeCloseTo(0.08, 9);
    let mean = 0;
    for (let i = 0; i < 96; i++) mean += emb.data[i]! / 96;
    expect(out.data[0]).toBeCloseTo(mean, 4);
    await expert.close();
  });
});
