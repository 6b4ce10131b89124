// Test inputs are generated here with ffmpeg into a temp dir; no binary fixture is committed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeWav } from "../src/wav.ts";

export const SHARED_CLIPS = join(import.meta.dirname, "../../../../shared/data/modsounds-dev");

/** A temp dir made on first use, so a file whose tests are all filtered out leaves nothing behind. */
export function tempDir(prefix: string): { readonly dir: string; cleanup: () => void } {
  let dir: string | undefined;
  return {
    get dir() {
      dir ??= mkdtempSync(join(tmpdir(), `earshot-audio-${prefix}-`));
      return dir;
    },
    cleanup: () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function ffmpeg(args: string[]): void {
  execFileSync("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args], { stdio: ["ignore", "ignore", "pipe"] });
}

/** 3 s, 44.1 kHz stereo: 440 Hz at amplitude 0.5 on the left, silence on the right. */
export function stereoSource(dir: string, seconds = 3): string {
  const out = join(dir, "source.wav");
  ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
    "-af",
    "volume=4,pan=stereo|c0=c0|c1=0*c0",
    "-c:a",
    "pcm_s16le",
    out,
  ]);
  return out;
}

/** Encodes the source into every format the decoder must read; returns name -> path. */
export function encodeFormats(dir: string, source: string): Record<string, string> {
  const formats: Record<string, string[]> = {
    "wav-f32": ["-c:a", "pcm_f32le", "x.wav"],
    flac: ["-c:a", "flac", "x.flac"],
    "ogg-vorbis": ["-c:a", "libvorbis", "-q:a", "4", "x.ogg"],
    opus: ["-c:a", "libopus", "-b:a", "96k", "x.opus"],
    mp3: ["-c:a", "libmp3lame", "-b:a", "192k", "x.mp3"],
    "m4a-aac": ["-c:a", "aac", "-b:a", "160k", "x.m4a"],
  };
  const out: Record<string, string> = { wav: source };
  for (const [name, args] of Object.entries(formats)) {
    const file = join(dir, args[args.length - 1]!.replace("x", name));
    ffmpeg(["-i", source, ...args.slice(0, -1), file]);
    out[name] = file;
  }
  // A video file whose audio track is the source: test pattern + sine, as a broadcaster's archive holds.
  const video = join(dir, "video.mp4");
  ffmpeg([
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=64x48:rate=10:duration=3",
    "-i",
    source,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-shortest",
    video,
  ]);
  out["mp4-video"] = video;
  return out;
}

/** A canonical PCM WAV header + data, for inputs ffmpeg will not write (absurd rates, NaNs, 8 channels). */
export function writeWav(
  path: string,
  opts: {
    sampleRate: number;
    channels: number;
    format: "s16" | "f32";
    frames: number;
    fill: (i: number, c: number) => number;
  },
): void {
  const samples = new Float32Array(opts.frames * opts.channels);
  for (let i = 0; i < opts.frames; i++) {
    for (let c = 0; c < opts.channels; c++) samples[i * opts.channels + c] = opts.fill(i, c);
  }
  writeFileSync(path, encodeWav(samples, opts));
}

export function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}
