import { open, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { AudioError } from "./errors.ts";
import { runTool } from "./process.ts";

export interface AudioInfo {
  /** Seconds, from the container or stream header (not decoded); 0 only when the file declares no duration. */
  durationS: number;
  sampleRate: number;
  channels: number;
  /** ffmpeg codec name of the first audio stream, e.g. "vorbis", "mp3", "aac", "pcm_s16le". */
  codec: string;
  /** ffmpeg demuxer name(s), e.g. "ogg", "wav", "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** File size in bytes. */
  sizeBytes: number;
  /** True when the container has no length field and ffprobe guessed the duration from the bitrate. */
  durationEstimated: boolean;
}

export interface ProbeOptions {
  /** Files larger than this are rejected with TOO_LARGE before any tool runs. Default 2 GiB. */
  maxBytes?: number;
  /** Longer files are rejected with TOO_LONG. Default: no limit. */
  maxDurationS?: number;
  /** Default 15 s. */
  timeoutMs?: number;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
/** Real recordings lie between telephone rates and 768 kHz; anything outside is a broken or hostile header. */
export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 768_000;
export const MAX_CHANNELS = 64;

export const PLAYLIST_FORMATS = new Set(["hls", "concat", "ffconcat", "m3u8"]);

/** Absolute `file:` URL so a name like "pipe:1" or "http://x" is never taken as a protocol. */
export function ffmpegInput(path: string): string {
  return `file:${resolve(path)}`;
}

interface FfprobeJson {
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    sample_rate?: string;
    channels?: number;
    duration?: string;
  }>;
  format?: { format_name?: string; duration?: string };
}

/** Checks the file on disk: exists, regular, not empty, not over the size limit. Returns its size. */
export async function checkFile(path: string, maxBytes = DEFAULT_MAX_BYTES): Promise<number> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new AudioError("NOT_FOUND", `No such file: ${path}`);
    throw new AudioError("NOT_FOUND", `Cannot read ${path}: ${(err as Error).message}`);
  }
  if (!st.isFile()) throw new AudioError("NOT_FOUND", `Not a regular file: ${path}`);
  if (st.size === 0) throw new AudioError("EMPTY_FILE", "The file is empty (0 bytes)");
  if (st.size > maxBytes) {
    throw new AudioError("TOO_LARGE", `The file is ${st.size} bytes, over the limit of ${maxBytes} bytes`);
  }
  return st.size;
}

/** Reads duration, rate, channels and codec from the headers with ffprobe, without decoding the audio. */
export async function probeAudio(path: string, opts: ProbeOptions = {}): Promise<AudioInfo> {
  const sizeBytes = await checkFile(path, opts.maxBytes);
  const res = await runTool(
    "ffprobe",
    [
      "-v",
      "warning",
      "-print_format",
      "json",
      "-show_entries",
      "stream=codec_type,codec_name,sample_rate,channels,duration:format=format_name,duration",
      "-protocol_whitelist",
      "file",
      "-i",
      ffmpegInput(path),
    ],
    opts.timeoutMs ?? 15_000,
  );
  if (res.code !== 0) {
    if (/invalid sample rate/i.test(res.stderr)) {
      throw new AudioError(
        "BAD_SAMPLE_RATE",
        `The header declares an impossible sample rate (${firstLine(res.stderr, path)})`,
      );
    }
    const kind = await sniffContainer(path);
    if (kind)
      throw new AudioError(
        "CORRUPT",
        `The file looks like ${kind} but cannot be read (${firstLine(res.stderr, path)})`,
      );
    throw new AudioError("NOT_AUDIO", `Not a recognised audio or video file (${firstLine(res.stderr, path)})`);
  }
  let json: FfprobeJson;
  try {
    json = JSON.parse(res.stdout) as FfprobeJson;
  } catch {
    throw new AudioError("NOT_AUDIO", "Not a recognised audio or video file (unreadable probe output)");
  }
  const stream = json.streams?.find((s) => s.codec_type === "audio");
  if (!stream) {
    const kinds = [...new Set((json.streams ?? []).map((s) => s.codec_type).filter(Boolean))];
    throw new AudioError(
      "NOT_AUDIO",
      kinds.length ? `The file has no audio stream (only ${kinds.join(", ")})` : "The file has no audio stream",
    );
  }
  const container = json.format?.format_name ?? "unknown";
  if (PLAYLIST_FORMATS.has(container)) {
    // Playlists point at other files; following them could read another tenant's data.
    throw new AudioError("UNSUPPORTED", `Playlist files (${container}) are not accepted; upload the media itself`);
  }
  const codec = stream.codec_name ?? "unknown";
  if (codec === "unknown" || codec === "none") {
    throw new AudioError("UNSUPPORTED", "The audio stream uses a codec this decoder does not know");
  }
  const sampleRate = Number(stream.sample_rate);
  if (!Number.isFinite(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new AudioError(
      "BAD_SAMPLE_RATE",
      `Declared sample rate ${stream.sample_rate ?? "(none)"} Hz is outside ${MIN_SAMPLE_RATE}–${MAX_SAMPLE_RATE} Hz`,
    );
  }
  const channels = stream.channels ?? 0;
  if (channels < 1) throw new AudioError("CORRUPT", "The audio stream declares no channels");
  if (channels > MAX_CHANNELS) {
    throw new AudioError("UNSUPPORTED", `${channels} channels is more than the ${MAX_CHANNELS} supported`);
  }
  const durationS = finiteOr(stream.duration, finiteOr(json.format?.duration, 0));
  if (opts.maxDurationS !== undefined && durationS > opts.maxDurationS) {
    throw new AudioError(
      "TOO_LONG",
      `The recording is ${fmtS(durationS)} long, over the limit of ${fmtS(opts.maxDurationS)}`,
    );
  }
  return {
    durationS,
    sampleRate,
    channels,
    codec,
    container,
    sizeBytes,
    durationEstimated: /estimating duration from bitrate/i.test(res.stderr),
  };
}

/** Recognises the signatures of the media containers an archive holds, to tell "broken media" from "not media". */
async function sniffContainer(path: string): Promise<string | null> {
  const fh = await open(path, "r");
  try {
    const b = Buffer.alloc(16);
    const { bytesRead } = await fh.read(b, 0, 16, 0);
    const head = b.subarray(0, bytesRead);
    const ascii = (from: number, to: number) => head.toString("latin1", from, to);
    if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return "a WAV file";
    if (ascii(0, 4) === "fLaC") return "a FLAC file";
    if (ascii(0, 4) === "OggS") return "an Ogg file";
    if (ascii(4, 8) === "ftyp") return "an MP4/M4A file";
    if (ascii(0, 3) === "ID3" || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return "an MP3/AAC stream";
    if (head.readUInt32BE(0) === 0x1a45dfa3) return "a Matroska/WebM file";
    if (ascii(0, 4) === "FORM" && /^AIF[FC]$/.test(ascii(8, 12))) return "an AIFF file";
    return null;
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

function finiteOr(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return v !== undefined && v !== "N/A" && Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** The first non-empty line of a tool's stderr, without the tool's "file:/abs/path: " prefix. */
export function firstLine(s: string, path?: string): string {
  const text = path ? s.replaceAll(`${ffmpegInput(path)}: `, "") : s;
  const line = text.split("\n").find((l) => l.trim()) ?? "no details";
  return line.trim().slice(0, 300);
}

export function fmtS(s: number): string {
  if (s < 120) return `${Math.round(s * 10) / 10} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : `${m} min ${Math.round(s % 60)} s`;
}
