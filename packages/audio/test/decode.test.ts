import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio, decodeAudioStream, logMelVggish, MODEL_SAMPLE_RATE, probeAudio } from "../src/index.ts";
import { holdsClippedSample } from "../src/sox.ts";
import { encodeFormats, ffmpeg, rms, SHARED_CLIPS, stereoSource, tempDir } from "./fixtures.ts";

const tmp = tempDir("decode");
let files: Record<string, string> = {};
beforeAll(() => {
  files = encodeFormats(tmp.dir, stereoSource(tmp.dir));
});
afterAll(() => tmp.cleanup());

describe("decodeAudio over every format", () => {
  const names = ["wav", "wav-f32", "flac", "ogg-vorbis", "opus", "mp3", "m4a-aac", "mp4-video"];
  it.each(names)("%s: probes, then decodes to 3 s of mono 16 kHz with the channels averaged", async (name) => {
    const file = files[name]!;
    const info = await probeAudio(file);
    expect(info.channels).toBe(2);
    expect(info.durationS).toBeGreaterThan(2.9);
    expect(info.durationS).toBeLessThan(3.2);

    const pcm = await decodeAudio(file);
    // Lossy codecs add encoder delay/padding; a few tens of ms either way is normal.
    expect(pcm.length / MODEL_SAMPLE_RATE).toBeGreaterThan(2.95);
    expect(pcm.length / MODEL_SAMPLE_RATE).toBeLessThan(3.1);
    // Left is a 0.5-amplitude sine, right silent: the mean is a 0.25 sine, RMS 0.25/√2.
    const level = rms(pcm, 8000, 40000);
    expect(level).toBeGreaterThan((0.25 / Math.SQRT2) * 0.95);
    expect(level).toBeLessThan((0.25 / Math.SQRT2) * 1.05);
    // The energy sits in the mel band around 440 Hz.
    const lm = logMelVggish(pcm);
    const row = lm.data.subarray(100 * 64, 101 * 64);
    const peak = row.indexOf(Math.max(...row));
    expect(peak).toBeGreaterThanOrEqual(8);
    expect(peak).toBeLessThanOrEqual(14);
  });

  it("reports what ffmpeg read from the header while decoding, without a probe", async () => {
    const seen: unknown[] = [];
    await decodeAudio(files["mp4-video"]!, { onInfo: (info) => seen.push(info) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      codec: "aac",
      sampleRate: 44100,
      channels: 2,
      container: "mov,mp4,m4a,3gp,3g2,mj2",
    });
    expect((seen[0] as { durationS: number }).durationS).toBeCloseTo(3, 1);
  });

  it("reports codec and container", async () => {
    expect(await probeAudio(files["ogg-vorbis"]!)).toMatchObject({
      codec: "vorbis",
      container: "ogg",
      sampleRate: 44100,
    });
    expect(await probeAudio(files.opus!)).toMatchObject({ codec: "opus", sampleRate: 48000 });
    expect(await probeAudio(files.mp3!)).toMatchObject({ codec: "mp3", container: "mp3" });
    expect(await probeAudio(files["mp4-video"]!)).toMatchObject({ codec: "aac" });
  });

  it("anti-aliases when resampling: a 10 kHz tone (above the 8 kHz Nyquist) all but vanishes", async () => {
    const file = join(tmp.dir, "alias.wav");
    ffmpeg(["-f", "lavfi", "-i", "sine=frequency=10000:sample_rate=44100:duration=1", "-af", "volume=4", file]);
    // Through sox (the fast path for a WAV like this) and through ffmpeg alike.
    for (const fastPath of [true, false]) {
      const pcm = await decodeAudio(file, { fastPath });
      // Without a low-pass it would fold to 6 kHz at full level (RMS 0.35); SoX's resampler leaves it below -70 dB.
      expect(rms(pcm, 1000, pcm.length - 1000)).toBeLessThan(0.35 * 10 ** (-70 / 20));
    }
  });

  it("resamples to another rate on request", async () => {
    const pcm = await decodeAudio(files.flac!, { sampleRate: 22050 });
    expect(Math.abs(pcm.length - 3 * 22050)).toBeLessThan(50);
  });

  it("streams in chunks whose concatenation equals the whole decode", async () => {
    const whole = await decodeAudio(files.flac!);
    const parts: Float32Array[] = [];
    for await (const chunk of decodeAudioStream(files.flac!)) parts.push(chunk);
    expect(parts.length).toBeGreaterThan(1);
    const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    expect(joined).toEqual(whole);
  });

  it("stops ffmpeg when the consumer breaks out of the stream early", async () => {
    let n = 0;
    for await (const chunk of decodeAudioStream(files.wav!)) {
      n += chunk.length;
      break;
    }
    expect(n).toBeGreaterThan(0);
  });
});

/** Runs fn with only sox on the PATH: a decode that works then did not need ffmpeg at all. */
async function withSoxOnly<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const bin = join(tmp.dir, `sox-only-${name}`);
  mkdirSync(bin);
  symlinkSync(execFileSync("sh", ["-c", "command -v sox"], { encoding: "utf8" }).trim(), join(bin, "sox"));
  const path = process.env.PATH;
  process.env.PATH = bin;
  try {
    return await fn();
  } finally {
    process.env.PATH = path;
  }
}

/** Signal-to-difference ratio of `pcm` against `ref`, in dB. */
function snrDb(pcm: Float32Array, ref: Float32Array): number {
  let err = 0;
  let sig = 0;
  for (let i = 0; i < ref.length; i++) {
    err += (pcm[i]! - ref[i]!) ** 2;
    sig += ref[i]! ** 2;
  }
  return 10 * Math.log10(sig / err);
}

describe("the sox fast path (WAV, FLAC, Ogg Vorbis)", () => {
  it.each(["wav", "flac", "ogg-vorbis"])(
    "%s: same samples and header facts as ffmpeg, without running ffmpeg",
    async (name) => {
      const file = files[name]!;
      const viaFfmpeg: unknown[] = [];
      const ref = await decodeAudio(file, { fastPath: false, onInfo: (i) => viaFfmpeg.push(i) });
      const viaSox: unknown[] = [];
      const pcm = await withSoxOnly(name, () => decodeAudio(file, { onInfo: (i) => viaSox.push(i) }));
      expect(pcm.length).toBe(ref.length);
      // Both use the SoX resampler (libsoxr in ffmpeg): the difference is tiny against the signal.
      expect(snrDb(pcm, ref)).toBeGreaterThan(80);
      const { durationS, ...rest } = viaFfmpeg[0] as { durationS: number };
      expect(viaSox[0]).toMatchObject(rest);
      expect((viaSox[0] as { durationS: number }).durationS).toBeCloseTo(durationS, 2);
    },
  );

  it("keeps a loud master's resampling overshoot above full scale, as ffmpeg does, without ffmpeg", async () => {
    // A full-scale 441 Hz square wave: band-limiting it rings ~9 % above full scale (Gibbs), which sox's integer
    // pipeline would clip without its headroom.
    const file = join(tmp.dir, "loud.wav");
    ffmpeg(["-f", "lavfi", "-i", "aevalsrc='if(lt(mod(t*441,1),0.5),1,-1)':s=44100:d=1", "-c:a", "pcm_s16le", file]);
    const ref = await decodeAudio(file, { fastPath: false });
    const pcm = await withSoxOnly("loud", () => decodeAudio(file));
    expect(Math.max(...ref)).toBeGreaterThan(1.05);
    expect(Math.max(...pcm)).toBeGreaterThan(1.05);
    expect(pcm.length).toBe(ref.length);
    expect(snrDb(pcm, ref)).toBeGreaterThan(60);
  });

  it("knows a clipped sample in sox's output by its value, 1.0, at a sample boundary", () => {
    const bytes = (xs: number[]) => Buffer.from(Float32Array.from(xs).buffer);
    expect(holdsClippedSample(bytes([0.5, 1, -0.25]), 0)).toBe(true);
    // The largest sample sox writes without clipping, and -1.0 (which it writes unclipped, e.g. from 16-bit -32768).
    expect(holdsClippedSample(bytes([0.5, 1 - 2 ** -23, -1]), 0)).toBe(false);
    // A piece that starts 2 bytes into the output: 1.0 is found only where a sample begins.
    const piece = bytes([0.5, 1]).subarray(2);
    expect(holdsClippedSample(piece, 2)).toBe(true);
    expect(holdsClippedSample(piece, 0)).toBe(false);
  });
});

describe("real clips from shared data", () => {
  const manifest = readFileSync(join(SHARED_CLIPS, "manifest.csv"), "utf8").trim().split("\n").slice(1);
  const sample = manifest.filter((_, i) => i % 20 === 0).map((l) => l.split(","));
  it.each(sample)("%s decodes to its manifest duration", async (file, _label, duration) => {
    const pcm = await decodeAudio(join(SHARED_CLIPS, file!));
    // Vorbis decoders may emit a few ms past the declared end (ffmpeg does on some of these clips).
    expect(Math.abs(pcm.length / MODEL_SAMPLE_RATE - Number(duration))).toBeLessThan(0.05);
    expect(rms(pcm)).toBeGreaterThan(0);
  });
});
