import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AudioError,
  type AudioErrorCode,
  decodeAudio,
  decodeAudioStream,
  measureLevels,
  probeAudio,
} from "../src/index.ts";
import { ffmpeg, tempDir, writeWav } from "./fixtures.ts";

const tmp = tempDir("errors");
const f = (name: string) => join(tmp.dir, name);
afterAll(() => tmp.cleanup());

async function codeOf(p: Promise<unknown>): Promise<AudioErrorCode | "OK"> {
  try {
    await p;
    return "OK";
  } catch (err) {
    if (!(err instanceof AudioError)) throw err;
    expect(err.message.length).toBeGreaterThan(10);
    return err.code;
  }
}

beforeAll(() => {
  const tone = (i: number) => 0.5 * Math.sin(i * 0.1);
  ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-ac", "2", f("tone.wav")]);
  ffmpeg(["-i", f("tone.wav"), f("tone.flac")]);
  ffmpeg(["-i", f("tone.wav"), "-c:a", "aac", f("tone.m4a")]);
  ffmpeg(["-i", f("tone.wav"), "-c:a", "libmp3lame", f("tone.mp3")]);
  const cut = (src: string, dst: string, frac: number) => {
    const b = readFileSync(f(src));
    writeFileSync(f(dst), b.subarray(0, Math.floor(b.length * frac)));
  };
  cut("tone.flac", "half.flac", 0.5);
  cut("tone.mp3", "half.mp3", 0.5);
  cut("tone.m4a", "half.m4a", 0.5);
  cut("tone.flac", "header-only.flac", 0.002);
  ffmpeg(["-i", f("tone.wav"), "-c:a", "libvorbis", f("tone.ogg")]);
  cut("tone.ogg", "half.ogg", 0.5);
  cut("tone.ogg", "header-only.ogg", 0.05);
  cut("tone.wav", "half.wav", 0.5);
  // Cut on a frame boundary: no decoder error at all, only the header's data size says it is short.
  const wav = readFileSync(f("tone.wav"));
  writeFileSync(f("half-frames.wav"), wav.subarray(0, wav.indexOf("data") + 8 + 4 * 44100 * 2));
  cut("tone.wav", "header-only.wav", 0.001);
  writeFileSync(f("empty.wav"), "");
  writeFileSync(f("notes.txt"), "This is a text file, not a recording.\n".repeat(50));
  writeFileSync(f("random.bin"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
  ffmpeg(["-f", "lavfi", "-i", "testsrc=size=32x32", "-frames:v", "1", f("image.png")]);
  writeWav(f("zero.wav"), { sampleRate: 16000, channels: 1, format: "s16", frames: 0, fill: tone });
  writeWav(f("rate10.wav"), { sampleRate: 10, channels: 1, format: "s16", frames: 1000, fill: tone });
  writeWav(f("rate3g.wav"), { sampleRate: 3_000_000_000, channels: 1, format: "s16", frames: 1000, fill: tone });
  writeWav(f("nan.wav"), {
    sampleRate: 44100,
    channels: 1,
    format: "f32",
    frames: 44100,
    fill: (i) => (i >= 20000 && i < 20010 ? Number.NaN : tone(i)),
  });
  writeWav(f("inf.wav"), {
    sampleRate: 16000,
    channels: 1,
    format: "f32",
    frames: 16000,
    fill: (i) => (i === 9000 ? Number.POSITIVE_INFINITY : tone(i)),
  });
  writeWav(f("silence.wav"), { sampleRate: 48000, channels: 2, format: "s16", frames: 48000, fill: () => 0 });
  // 8 channels without a layout mask (ffmpeg takes them as 7.1): the same tone on all, or only on channel 4 (LFE).
  const eight = (name: string, on: (c: number) => boolean) =>
    writeWav(f(name), {
      sampleRate: 48000,
      channels: 8,
      format: "f32",
      frames: 48000,
      fill: (i, c) => (on(c) ? 0.8 * Math.sin((2 * Math.PI * 1000 * i) / 48000) : 0),
    });
  eight("eight.wav", () => true);
  eight("eight-lfe.wav", (c) => c === 3);
  // 12 unlabelled channels, which no standard layout covers; the tone only on the first.
  writeWav(f("twelve.wav"), {
    sampleRate: 48000,
    channels: 12,
    format: "f32",
    frames: 48000,
    fill: (i, c) => (c === 0 ? 0.6 * Math.sin((2 * Math.PI * 1000 * i) / 48000) : 0),
  });
  // Six hours: a 10 s Opus segment repeated by stream copy (fast to make, 18 MB), in Matroska.
  ffmpeg(["-f", "lavfi", "-i", "anoisesrc=d=10:r=8000:a=0.1", "-c:a", "libopus", "-b:a", "6k", f("seg.opus")]);
  ffmpeg(["-stream_loop", "2159", "-i", f("seg.opus"), "-c", "copy", f("six-hours.mka")]);
  mkdirSync(f("a-directory"));
});

describe("every bad input gets its stable code", () => {
  it.each<[string, AudioErrorCode]>([
    ["missing.wav", "NOT_FOUND"],
    ["a-directory", "NOT_FOUND"],
    ["empty.wav", "EMPTY_FILE"],
    ["notes.txt", "NOT_AUDIO"],
    ["random.bin", "NOT_AUDIO"],
    ["image.png", "NOT_AUDIO"],
    ["half.m4a", "CORRUPT"],
    ["header-only.flac", "CORRUPT"],
    ["zero.wav", "ZERO_LENGTH"],
    ["rate10.wav", "BAD_SAMPLE_RATE"],
    ["rate3g.wav", "BAD_SAMPLE_RATE"],
    ["half.flac", "TRUNCATED"],
    ["half.mp3", "TRUNCATED"],
    ["half.wav", "TRUNCATED"],
    ["half-frames.wav", "TRUNCATED"],
    ["nan.wav", "INVALID_SAMPLES"],
    ["inf.wav", "INVALID_SAMPLES"],
    ["six-hours.mka", "TOO_LONG"],
  ])("%s -> %s", async (name, code) => {
    expect(await codeOf(decodeAudio(f(name)))).toBe(code);
  });

  // WAV, FLAC and Ogg Vorbis first go through sox (src/sox.ts); whatever it does not decode cleanly must end with
  // exactly the code ffmpeg alone gives.
  it.each([
    "empty.wav",
    "zero.wav",
    "rate10.wav",
    "rate3g.wav",
    "half.wav",
    "half-frames.wav",
    "header-only.wav",
    "half.flac",
    "header-only.flac",
    "half.ogg",
    "header-only.ogg",
    "nan.wav",
    "inf.wav",
  ])("%s: the same code with and without the sox fast path", async (name) => {
    const viaFfmpeg = await codeOf(decodeAudio(f(name), { fastPath: false }));
    expect(await codeOf(decodeAudio(f(name)))).toBe(viaFfmpeg);
    expect(await codeOf(decodeAudio(f(name), { maxDurationS: 1 }))).toBe(
      await codeOf(decodeAudio(f(name), { maxDurationS: 1, fastPath: false })),
    );
  });

  it("rejects a file over the size limit before running any tool", async () => {
    expect(await codeOf(probeAudio(f("tone.wav"), { maxBytes: 1000 }))).toBe("TOO_LARGE");
    expect(await codeOf(decodeAudio(f("tone.wav"), { maxBytes: 1000 }))).toBe("TOO_LARGE");
  });

  it("probe reports header problems too, without decoding", async () => {
    expect(await codeOf(probeAudio(f("notes.txt")))).toBe("NOT_AUDIO");
    expect(await codeOf(probeAudio(f("rate10.wav")))).toBe("BAD_SAMPLE_RATE");
    expect(await codeOf(probeAudio(f("six-hours.mka"), { maxDurationS: 3600 }))).toBe("TOO_LONG");
    expect((await probeAudio(f("six-hours.mka"))).durationS).toBeGreaterThan(6 * 3600 - 1);
  });

  it("times out a decoder that produces nothing in time", async () => {
    expect(await codeOf(decodeAudio(f("tone.flac"), { timeoutMs: 1 }))).toBe("DECODE_TIMEOUT");
  });

  it("enforces maxDurationS while decoding, for streams whose header has no duration", async () => {
    // Matroska written to a pipe cannot go back to fill in its duration.
    const file = f("no-duration.mka");
    writeFileSync(
      file,
      execFileSync("ffmpeg", [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=20:sample_rate=8000",
        "-c:a",
        "flac",
        "-f",
        "matroska",
        "pipe:1",
      ]),
    );
    expect(await codeOf(decodeAudio(file, { maxDurationS: 5 }))).toBe("TOO_LONG");
    expect((await decodeAudio(file)).length).toBe(20 * 16000);
  });

  it("names a missing ffmpeg instead of crashing", async () => {
    const path = process.env.PATH;
    process.env.PATH = tmp.dir;
    try {
      expect(await codeOf(probeAudio(f("tone.wav")))).toBe("DECODER_MISSING");
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("difficult but valid input", () => {
  it("silence decodes (it is not an error) and measureLevels flags it", async () => {
    const pcm = await decodeAudio(f("silence.wav"));
    expect(pcm.length).toBe(16000);
    expect(measureLevels(pcm)).toMatchObject({ peak: 0, silent: true });
    expect(measureLevels(await decodeAudio(f("tone.wav"))).silent).toBe(false);
  });

  it("8 channels are downmixed with unit gain, as 7.1 without the LFE channel", async () => {
    expect((await probeAudio(f("eight.wav"))).channels).toBe(8);
    // The same 0.8 tone everywhere comes out at 0.8: the weights sum to one, nothing clips.
    expect(measureLevels(await decodeAudio(f("eight.wav"))).peak).toBeCloseTo(0.8, 2);
    expect(measureLevels(await decodeAudio(f("eight-lfe.wav"))).silent).toBe(true);
  });

  it("channel counts without a standard layout are averaged", async () => {
    expect((await probeAudio(f("twelve.wav"))).channels).toBe(12);
    // 0.6 on one of 12 channels -> 0.05 in the mean.
    expect(measureLevels(await decodeAudio(f("twelve.wav"))).peak).toBeCloseTo(0.05, 3);
  });

  it("a six-hour recording streams: the first audio arrives at once and stopping early ends ffmpeg", async () => {
    let samples = 0;
    const started = Date.now();
    for await (const chunk of decodeAudioStream(f("six-hours.mka"))) {
      samples += chunk.length;
      if (samples > 16000 * 60) break;
    }
    expect(samples).toBeGreaterThan(16000 * 60);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
