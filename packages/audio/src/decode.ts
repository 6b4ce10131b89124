import { AudioError } from "./errors.ts";
import {
  type AudioInfo,
  checkFile,
  ffmpegInput,
  firstLine,
  fmtS,
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  PLAYLIST_FORMATS,
  type ProbeOptions,
  probeAudio,
} from "./probe.ts";
import { spawnTool } from "./process.ts";
import { float32Samples } from "./samples.ts";
import { decodeWithSox } from "./sox.ts";
import { checkWavComplete } from "./wav.ts";

/** The rate every model frontend expects. */
export const MODEL_SAMPLE_RATE = 16000;
/** decodeAudio holds the whole result in memory: 3 h at 16 kHz is 690 MB. Longer files must use decodeAudioStream. */
export const DEFAULT_MAX_DECODE_S = 3 * 3600;
/** Longest wait for the decoder's next output before it is killed (a hang guard, not a total budget). */
export const DEFAULT_DECODE_TIMEOUT_MS = 30_000;

export interface DecodeOptions extends ProbeOptions {
  /** Output rate in Hz, default 16000. */
  sampleRate?: number;
  /** Reject longer recordings with TOO_LONG (checked on the header and again while decoding). */
  maxDurationS?: number;
  /** Kill the decoder when it produces nothing for this long (DECODE_TIMEOUT). Default 30 s. */
  timeoutMs?: number;
  /** A probe the caller already made; its header facts are checked before decoding. */
  probe?: AudioInfo;
  /** Called once, before the first chunk, with what the decoder read from the header (saves a probeAudio call). */
  onInfo?: (info: StreamInfo) => void;
  /**
   * WAV/FLAC/Ogg Vorbis files up to 20 min are decoded by sox (src/sox.ts: a fifth of ffmpeg's CPU on a short clip,
   * about two thirds of it per minute of a long one) unless this is false (ffmpeg for everything, e.g. to compare).
   * Files sox does not decode cleanly go to ffmpeg anyway.
   */
  fastPath?: boolean;
}

/**
 * What the decoder's own log says about the input (sox's is given in ffmpeg's names); fields it did not print are
 * left out.
 */
export interface StreamInfo {
  container?: string;
  durationS?: number;
  durationEstimated: boolean;
  codec?: string;
  sampleRate?: number;
  channels?: number;
}

/**
 * The filter chain. Downmix: ffmpeg's matrix normalised to unit gain (rematrix_maxval=1), which for stereo
 * is exactly the mean of the channels (the VGGish/librosa convention) and for surround layouts the standard
 * -3 dB centre/surround weights without LFE, scaled so nothing clips. Resampling: libsoxr at 28-bit
 * precision, a steep anti-aliasing low-pass (ffmpeg's default swr filter is shorter and leaks more).
 */
export function decodeFilter(sampleRate: number): string {
  return `aresample=${sampleRate}:resampler=soxr:precision=28:rematrix_maxval=1,aformat=sample_fmts=flt:channel_layouts=mono`;
}

/** For channel counts ffmpeg has no layout for (e.g. 12 unlabelled channels): the plain mean of all of them. */
export function meanDownmixFilter(channels: number, sampleRate: number): string {
  const g = (1 / channels).toPrecision(12);
  const pan = `pan=mono|c0=${Array.from({ length: channels }, (_, i) => `${g}*c${i}`).join("+")}`;
  return `${pan},aresample=${sampleRate}:resampler=soxr:precision=28`;
}

const FAST_PATH_PIECE = 16384;

/** Thrown inside when ffmpeg cannot map the channel layout to mono; the caller retries with a mean downmix. */
class NeedsMeanDownmix extends Error {}

interface Limits {
  sampleRate: number;
  maxDurationS: number;
  timeoutMs: number;
  probe?: AudioInfo;
  onHeader?: (durationS: number | undefined) => void;
  onInfo?: (info: StreamInfo) => void;
}

/**
 * Decodes the first audio stream of any file ffmpeg reads (audio or video container) to mono float32 PCM,
 * yielding chunks of arbitrary length as they arrive. Memory stays bounded: the consumer's pace throttles
 * ffmpeg through the pipe. Chunks may be views into larger buffers: use byteOffset/byteLength.
 */
export async function* decodeAudioStream(path: string, opts: DecodeOptions = {}): AsyncGenerator<Float32Array> {
  yield* decode(path, opts);
}

async function* decode(path: string, opts: DecodeOptions, onHeader?: Limits["onHeader"]): AsyncGenerator<Float32Array> {
  const limits: Limits = {
    sampleRate: opts.sampleRate ?? MODEL_SAMPLE_RATE,
    maxDurationS: opts.maxDurationS ?? Number.POSITIVE_INFINITY,
    timeoutMs: opts.timeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS,
    onHeader,
    onInfo: opts.onInfo,
  };
  if (opts.probe) {
    limits.probe = opts.probe;
    checkHeader(opts.probe, limits);
    await checkWavComplete(path);
  } else {
    const size = await checkFile(path, opts.maxBytes);
    await checkWavComplete(path);
    const fast = opts.fastPath === false ? null : await decodeWithSox(path, size, limits);
    if (fast) {
      checkHeader(fast.info, limits);
      limits.onHeader?.(fast.info.durationS);
      limits.onInfo?.(fast.info);
      // Pieces the size of ffmpeg's pipe reads, views into the one buffer: consumers see the same kind of stream.
      for (let i = 0; i < fast.pcm.length; i += FAST_PATH_PIECE) yield fast.pcm.subarray(i, i + FAST_PATH_PIECE);
      return;
    }
  }
  try {
    yield* runFfmpeg(path, decodeFilter(limits.sampleRate), limits);
  } catch (err) {
    if (!(err instanceof NeedsMeanDownmix)) throw err;
    const info = opts.probe ?? (await probeAudio(path, { ...opts, timeoutMs: Math.min(limits.timeoutMs, 15_000) }));
    yield* runFfmpeg(path, meanDownmixFilter(info.channels, limits.sampleRate), limits);
  }
}

function checkHeader(h: { durationS?: number; sampleRate?: number; container?: string }, limits: Limits): void {
  if (h.container && PLAYLIST_FORMATS.has(h.container)) {
    throw new AudioError("UNSUPPORTED", `Playlist files (${h.container}) are not accepted; upload the media itself`);
  }
  if (h.sampleRate !== undefined && (h.sampleRate < MIN_SAMPLE_RATE || h.sampleRate > MAX_SAMPLE_RATE)) {
    throw new AudioError(
      "BAD_SAMPLE_RATE",
      `Declared sample rate ${h.sampleRate} Hz is outside ${MIN_SAMPLE_RATE}–${MAX_SAMPLE_RATE} Hz`,
    );
  }
  if (h.durationS !== undefined && h.durationS > limits.maxDurationS) {
    throw new AudioError(
      "TOO_LONG",
      `The recording is ${fmtS(h.durationS)} long, over the limit of ${fmtS(limits.maxDurationS)}`,
    );
  }
}

async function* runFfmpeg(path: string, filter: string, limits: Limits): AsyncGenerator<Float32Array> {
  const { sampleRate, maxDurationS, timeoutMs } = limits;
  const child = spawnTool("ffmpeg", [
    "-nostdin",
    "-hide_banner",
    "-nostats",
    // Info level, each line tagged with its level: the input summary replaces an ffprobe run, and the
    // [error] lines tell real decode errors from chatter.
    "-loglevel",
    "level+info",
    "-threads",
    "1",
    "-protocol_whitelist",
    "file",
    "-i",
    ffmpegInput(path),
    "-map",
    "0:a:0",
    "-vn",
    "-sn",
    "-dn",
    "-af",
    filter,
    "-c:a",
    "pcm_f32le",
    // Fill ffmpeg's 32 KB output buffer before each write instead of one small write per packet: ~8x fewer
    // pipe reads on the Node side.
    "-flush_packets",
    "0",
    "-f",
    "f32le",
    "pipe:1",
  ]);

  const header: StreamInfo = { durationEstimated: false };
  let headerDone = false;
  let markHeaderDone = () => {};
  const headerReady = new Promise<void>((res) => {
    markHeaderDone = () => {
      headerDone = true;
      res();
    };
  });
  let errors = "";
  let rematrixFailed = false;
  let pending = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    pending += d;
    const lines = pending.split("\n");
    pending = (lines.pop() ?? "").slice(-4096); // a line without end cannot grow without bound
    for (const line of lines) {
      if (/\[(error|fatal)\] /.test(line) && errors.length < 8192)
        errors += `${line.replace(/^.*?\[(error|fatal)\] /, "")}\n`;
      if (/Rematrix is needed/.test(line)) rematrixFailed = true;
      if (/Estimating duration from bitrate/.test(line)) header.durationEstimated = true;
      if (headerDone) continue;
      parseHeaderLine(line, header);
      if (/\[info\] (Stream mapping:|Output #0)/.test(line)) markHeaderDone();
    }
  });
  let spawnError: AudioError | undefined;
  child.on("error", (err: NodeJS.ErrnoException) => {
    spawnError =
      err.code === "ENOENT"
        ? new AudioError("DECODER_MISSING", "ffmpeg is not installed (apt-get install ffmpeg)")
        : new AudioError("CORRUPT", `ffmpeg failed to start: ${err.message}`);
    markHeaderDone();
  });
  const exited = new Promise<number | null>((res) =>
    child.on("close", (code) => {
      markHeaderDone();
      res(code);
    }),
  );
  const stdout = child.stdout!;
  const it = stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

  // The hang guard: armed only while we wait on ffmpeg, so a slow consumer never trips it.
  let timedOut = false;
  const wait = async <T>(p: Promise<T>): Promise<T> => {
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    let value: T;
    try {
      value = await p;
    } catch (err) {
      if (timedOut) throw timeoutError(timeoutMs);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (timedOut) throw timeoutError(timeoutMs);
    return value;
  };

  const maxSamples = Math.ceil((maxDurationS + 1) * sampleRate);
  let carry: Buffer | null = null; // bytes of a sample split across pipe reads
  let total = 0;
  let finished = false;
  try {
    // Check the header before handing out any audio: a 6-hour file must fail now, not after hours of work.
    await wait(headerReady);
    if (spawnError) throw spawnError;
    checkHeader(header, limits);
    limits.onHeader?.(limits.probe?.durationS ?? header.durationS);
    limits.onInfo?.(header);
    while (true) {
      const next = await wait(it.next());
      if (next.done) break;
      let buf = next.value;
      if (carry) {
        buf = Buffer.concat([carry, buf]);
        carry = null;
      }
      const usable = buf.length - (buf.length % 4);
      if (usable < buf.length) carry = buf.subarray(usable);
      if (usable === 0) continue;
      const chunk = float32Samples(buf, usable);
      for (let i = 0; i < chunk.length; i++) {
        const x = chunk[i]!;
        if (x - x !== 0) {
          throw new AudioError(
            "INVALID_SAMPLES",
            `The audio contains ${Number.isNaN(x) ? "NaN" : "infinite"} sample values near ${fmtS((total + i) / sampleRate)}`,
          );
        }
      }
      total += chunk.length;
      if (total > maxSamples) {
        throw new AudioError("TOO_LONG", `The recording is longer than the limit of ${fmtS(maxDurationS)}`);
      }
      yield chunk;
    }
    const code = await wait(exited);
    if (spawnError) throw spawnError;
    if (code !== 0) {
      if (total > 0) {
        throw new AudioError(
          "TRUNCATED",
          `Decoding failed after ${fmtS(total / sampleRate)} (${firstLine(errors, path)})`,
        );
      }
      if (rematrixFailed) throw new NeedsMeanDownmix();
      // Let ffprobe name what is wrong (not audio, corrupt, bad header); if it sees nothing, the stream is corrupt.
      await probeAudio(path, { timeoutMs: Math.min(timeoutMs, 15_000) });
      throw new AudioError("CORRUPT", `The audio could not be decoded (${firstLine(errors, path)})`);
    }
    const declared = limits.probe?.durationS ?? header.durationS ?? 0;
    if (total === 0) {
      if (declared > 0.05) {
        throw new AudioError("CORRUPT", `No audio could be decoded although the header declares ${fmtS(declared)}`);
      }
      throw new AudioError("ZERO_LENGTH", "The audio stream contains no samples");
    }
    const gotS = total / sampleRate;
    const estimated = limits.probe?.durationEstimated ?? header.durationEstimated;
    // Durations guessed from the bitrate are unreliable; otherwise a large shortfall means a cut file.
    if ((errors || !estimated) && declared > 0 && gotS < declared * 0.95 - 0.5) {
      throw new AudioError(
        "TRUNCATED",
        `Decoding stopped at ${fmtS(gotS)} of the ${fmtS(declared)} the header declares (file cut short?)`,
      );
    }
    finished = true;
  } finally {
    if (!finished) child.kill("SIGKILL");
    stdout.destroy();
  }
}

function timeoutError(ms: number): AudioError {
  return new AudioError("DECODE_TIMEOUT", `The decoder produced nothing for ${ms} ms`);
}

/** Channel counts of ffmpeg's named layouts (variants like "5.1(side)" share their base name's count). */
const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  downmix: 2,
  "2.1": 3,
  "3.0": 3,
  "3.1": 4,
  "4.0": 4,
  quad: 4,
  "4.1": 5,
  "5.0": 5,
  "5.1": 6,
  "6.0": 6,
  hexagonal: 6,
  "6.1": 7,
  "7.0": 7,
  "7.1": 8,
  octagonal: 8,
  hexadecagonal: 16,
  "22.2": 24,
};

/** Reads the input summary ffmpeg logs before decoding ("Input #0, mp3, from…", "Duration:", "Stream #0:0: Audio:"). */
function parseHeaderLine(line: string, h: StreamInfo): void {
  const input = /^\[info\] Input #0, (.+?), from '/.exec(line);
  if (input) {
    h.container = input[1];
    return;
  }
  const duration = /^\[info\]\s+Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line);
  if (duration && h.durationS === undefined) {
    h.durationS = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
    return;
  }
  const audio = /^\[info\]\s+Stream #0:\d+\S*: Audio: ([\w-]+).*?, (\d+) Hz, ([^,]+)/.exec(line);
  if (audio && h.codec === undefined) {
    h.codec = audio[1];
    h.sampleRate = Number(audio[2]);
    const layout = audio[3]!.trim();
    const n = /^(\d+) channels/.exec(layout);
    const channels = n ? Number(n[1]) : LAYOUT_CHANNELS[layout.replace(/\(.*\)$/, "")];
    if (channels) h.channels = channels;
  }
}

/** Decodes a whole file to one mono Float32Array (default 16 kHz). Files over maxDurationS (3 h) give TOO_LONG. */
export async function decodeAudio(path: string, opts: DecodeOptions = {}): Promise<Float32Array> {
  const sampleRate = opts.sampleRate ?? MODEL_SAMPLE_RATE;
  const maxDurationS = opts.maxDurationS ?? DEFAULT_MAX_DECODE_S;
  let out = new Float32Array(0);
  let n = 0;
  // Size the buffer from the header (plus slack) so a normal file is never copied while growing.
  const sizeFromHeader = (durationS: number | undefined) => {
    out = new Float32Array(Math.ceil(Math.min((durationS ?? 60) + 0.5, maxDurationS + 1) * sampleRate));
  };
  for await (const chunk of decode(path, { ...opts, sampleRate, maxDurationS }, sizeFromHeader)) {
    out = appendSamples(out, n, chunk);
    n += chunk.length;
  }
  return n === out.length ? out : out.slice(0, n);
}

/**
 * Writes piece into buf at offset n, first doubling buf (keeping its first n samples) when piece does not fit.
 * Returns the buffer to keep using: buf itself or its grown copy.
 */
export function appendSamples(
  buf: Float32Array<ArrayBuffer>,
  n: number,
  piece: Float32Array,
): Float32Array<ArrayBuffer> {
  let out = buf;
  if (n + piece.length > out.length) {
    out = new Float32Array(Math.max(buf.length * 2, n + piece.length));
    out.set(buf.subarray(0, n));
  }
  out.set(piece, n);
  return out;
}
