// The fast path for the commonest archive formats: SoX instead of ffmpeg. Debian's ffmpeg links ~200 shared
// libraries, and its start-up (~50 ms CPU idle, far more under load) is most of the cost of decoding a short clip;
// sox links 13 and decodes a 2 s Ogg clip in a fifth of the CPU or less (docs/benchmarks.md, "Ingest"). Its
// `rate -v` effect is the very-high-quality SoX resampler that libsoxr (ffmpeg's path) was built from.
//
// Only inputs where SoX gives what ffmpeg gives take this path: integer PCM WAV, FLAC and Ogg Vorbis (recognised by
// their magic bytes and forced with -t, so sox never guesses a format), mono or stereo (sox's downmix is the plain
// mean, ffmpeg's too for stereo), small enough to buffer. Anything else, and anything sox complains about (a
// warning, a failure, a short or empty result, a time-out), returns null and the caller decodes with ffmpeg,
// whose verdict and error codes are then the only ones anyone sees.
//
// The effects are `channels 1 vol 0.5 rate -v`: downmixing before resampling resamples one channel instead of two
// (sox's automatic downmix comes after `rate`), a third less CPU on stereo; halving the level keeps the resampler's
// overshoot on loud masters (a sample at full scale rings above it) inside sox's 32-bit integer pipeline, which
// would otherwise clip it, warn, and send the file to ffmpeg to be decoded again. The samples are doubled back on
// reading, so values over full scale come out as ffmpeg's float pipeline gives them.
import { open } from "node:fs/promises";
import type { StreamInfo } from "./decode.ts";
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from "./probe.ts";
import { spawnTool } from "./process.ts";
import { float32Samples } from "./samples.ts";

/**
 * Files above this size go to ffmpeg (streamed); below it the decoded PCM is buffered (<= SOX_MAX_S, 77 MB at
 * 16 kHz). 20 min of 44.1 kHz 16-bit stereo is 212 MB; ffmpeg costs ~1.5x sox's CPU on such files.
 */
const SOX_MAX_BYTES = 256 << 20;
/** Longest decode buffered by the fast path; longer files are handed to ffmpeg, which streams. */
const SOX_MAX_S = 20 * 60;

type SoxType = "wav" | "flac" | "vorbis";

/** WAV (RIFF/WAVE), FLAC or Ogg whose first packet is a Vorbis identification header; else undefined. */
async function sniffSoxType(path: string): Promise<SoxType | undefined> {
  const head = Buffer.alloc(64);
  const fh = await open(path, "r");
  let n: number;
  try {
    ({ bytesRead: n } = await fh.read(head, 0, head.length, 0));
  } finally {
    await fh.close();
  }
  const b = head.subarray(0, n);
  if (b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WAVE") return "wav";
  if (b.toString("latin1", 0, 4) === "fLaC") return "flac";
  if (b.toString("latin1", 0, 4) === "OggS" && b.includes("\x01vorbis", 27, "latin1")) return "vorbis";
  return undefined;
}

let soxMissing = false;

/** Level inside sox (undone on reading): headroom for the resampler's overshoot, see the top of this file. */
const SOX_GAIN = 0.5;

interface SoxLimits {
  sampleRate: number;
  maxDurationS: number;
  timeoutMs: number;
}

/**
 * Decodes the whole file with sox to mono float32 at `sampleRate`, with the header facts ffmpeg would report, or
 * null when the file is not for this path or sox did not decode it cleanly (the caller then runs ffmpeg).
 */
export async function decodeWithSox(
  path: string,
  sizeBytes: number,
  limits: SoxLimits,
): Promise<{ pcm: Float32Array; info: StreamInfo } | null> {
  if (soxMissing || sizeBytes > SOX_MAX_BYTES) return null;
  const type = await sniffSoxType(path);
  if (!type) return null;
  const maxSamples = Math.ceil(Math.min(SOX_MAX_S, limits.maxDurationS + 1) * limits.sampleRate);
  const child = spawnTool("sox", [
    "-V3", // the input summary (rate, channels, encoding, duration) and every warning
    "--no-glob",
    "--single-threaded",
    "-t",
    type,
    path,
    "-t",
    "f32",
    "-c",
    "1",
    "-",
    "channels",
    "1",
    "vol",
    String(SOX_GAIN),
    "rate",
    "-v",
    String(limits.sampleRate),
  ]);
  const chunks: Buffer[] = [];
  let bytes = 0;
  let stderr = "";
  let overflow = false;
  let clipped = false;
  child.stdout?.on("data", (d: Buffer) => {
    if (clipped || overflow) return;
    // A clipped sample means a warning at the end and ffmpeg after it: stop now instead of decoding the rest.
    clipped = holdsClippedSample(d, bytes);
    bytes += d.length;
    if (bytes > maxSamples * 4) overflow = true;
    if (clipped || overflow) child.kill("SIGKILL");
    else chunks.push(d);
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    if (stderr.length < 65536) stderr += d;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), limits.timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") soxMissing = true;
      resolve(null);
    });
    child.on("close", (c) => resolve(c));
  }).finally(() => clearTimeout(timer));
  if (code !== 0 || overflow || clipped || /^sox (WARN|FAIL)/m.test(stderr)) return null;

  const info = parseSoxInput(stderr, type);
  if (!info || info.sampleRate! < MIN_SAMPLE_RATE || info.sampleRate! > MAX_SAMPLE_RATE || info.channels! > 2) {
    return null;
  }
  const samples = bytes / 4;
  // A result well short of the declared length (a cut file) or empty: ffmpeg names the problem.
  const expected = (info.durationS ?? 0) * limits.sampleRate;
  if (samples === 0 || bytes % 4 !== 0 || samples < expected - Math.max(2, 0.001 * limits.sampleRate)) return null;
  const pcm = float32Samples(Buffer.concat(chunks, bytes));
  for (let i = 0; i < samples; i++) {
    const x = pcm[i]! / SOX_GAIN; // exact: a power of two
    if (x - x !== 0) return null; // NaN or infinite: ffmpeg's path reports where
    pcm[i] = x;
  }
  return { pcm, info };
}

/** 1.0 as a little-endian float32. */
const PLUS_ONE = Buffer.from([0x00, 0x00, 0x80, 0x3f]);

/**
 * Whether a piece of sox's float32 output (starting `offset` bytes into it) holds a sample of exactly 1.0. sox's
 * float writer gives 1.0 only for a sample over full scale, which it clips and counts, and it then warns ("output
 * clipped") when it ends: so 1.0 means the file goes to ffmpeg, decided early. Every sample it does not clip comes
 * out at most 1 - 2^-23. (-1.0 is no such sign: an unclipped -1.0 is possible.) With the headroom of SOX_GAIN a
 * decode clips only where the resampled signal reaches twice full scale, which integer PCM cannot; the check
 * stays for what sox might still clip. A sample split across two pieces is not seen; the warning then decides.
 */
export function holdsClippedSample(piece: Buffer, offset: number): boolean {
  for (let i = piece.indexOf(PLUS_ONE); i >= 0; i = piece.indexOf(PLUS_ONE, i + 1)) {
    if ((offset + i) % 4 === 0) return true;
  }
  return false;
}

/** The "Input File" block of sox -V3, as ffmpeg's names (container ogg/flac/wav, codec vorbis/flac/pcm_s16le...). */
function parseSoxInput(stderr: string, type: SoxType): StreamInfo | undefined {
  const block = stderr.split(/^Output File/m)[0] ?? "";
  const field = (name: string) => new RegExp(`^${name}\\s*: (.*)$`, "m").exec(block)?.[1]?.trim();
  const channels = Number(field("Channels"));
  const sampleRate = Number(field("Sample Rate"));
  const duration = /= (\d+) samples/.exec(field("Duration") ?? "");
  const encoding = field("Sample Encoding") ?? "";
  if (!(channels > 0) || !(sampleRate > 0) || !duration) return undefined;
  let codec: string;
  if (type === "vorbis" && encoding === "Vorbis") codec = "vorbis";
  else if (type === "flac" && /^(\d+-bit )?FLAC$/.test(encoding)) codec = "flac";
  else {
    const pcm = /^(\d+)-bit (Signed|Unsigned) Integer PCM$/.exec(encoding);
    if (type !== "wav" || !pcm) return undefined; // float, A-law, ADPCM...: ffmpeg's path
    codec = pcm[2] === "Unsigned" ? `pcm_u${pcm[1]}` : `pcm_s${pcm[1]}le`;
  }
  return {
    container: type === "vorbis" ? "ogg" : type,
    durationS: Number(duration[1]) / sampleRate,
    durationEstimated: false,
    codec,
    sampleRate,
    channels,
  };
}
