import { open } from "node:fs/promises";
import { AudioError } from "./errors.ts";

/**
 * A canonical 44-byte-header PCM WAV of interleaved samples: 16-bit integer (clamped) or 32-bit float (written
 * as given, NaN and infinities included, so tests can build inputs ffmpeg would refuse to write).
 */
export function encodeWav(
  samples: Float32Array,
  opts: { sampleRate: number; channels?: number; format?: "s16" | "f32" },
): Buffer {
  const channels = opts.channels ?? 1;
  const format = opts.format ?? "s16";
  const bytes = format === "s16" ? 2 : 4;
  const data = Buffer.alloc(samples.length * bytes);
  for (let i = 0; i < samples.length; i++) {
    if (format === "s16") data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767))), i * 2);
    else data.writeFloatLE(samples[i]!, i * 4);
  }
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(format === "s16" ? 1 : 3, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(opts.sampleRate, 24);
  h.writeUInt32LE((opts.sampleRate * channels * bytes) % 2 ** 32, 28); // byte rate; wraps for absurd rates
  h.writeUInt16LE(channels * bytes, 32);
  h.writeUInt16LE(bytes * 8, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** How much of its declared data a cut WAV may lack before it counts as truncated (writers that miscount a little). */
const WAV_SHORTFALL_TOLERANCE = 0.01;
const RIFF_MAX_CHUNKS = 1000;

/**
 * Throws TRUNCATED when a RIFF/WAVE file holds less audio data than its header declares. Neither decoder says so:
 * ffmpeg takes the length from the file size and sox only warns, so a WAV cut in half would decode to half a
 * recording without an error. Streamed WAVs (data size 0 or 0xFFFFFFFF, i.e. unknown) and other formats pass.
 */
export async function checkWavComplete(path: string): Promise<void> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(12);
    if ((await fh.read(head, 0, 12, 0)).bytesRead < 12) return;
    if (head.toString("latin1", 0, 4) !== "RIFF" || head.toString("latin1", 8, 12) !== "WAVE") return;
    const chunk = Buffer.alloc(8);
    let pos = 12;
    for (let i = 0; i < RIFF_MAX_CHUNKS && pos + 8 <= size; i++) {
      await fh.read(chunk, 0, 8, pos);
      const declared = chunk.readUInt32LE(4);
      if (chunk.toString("latin1", 0, 4) === "data") {
        const held = size - (pos + 8);
        if (declared === 0 || declared === 0xffffffff || held >= declared * (1 - WAV_SHORTFALL_TOLERANCE)) return;
        throw new AudioError(
          "TRUNCATED",
          `The WAV file holds ${Math.floor((100 * held) / declared)} % of the audio data its header declares ` +
            `(${held} of ${declared} bytes): it was cut short`,
        );
      }
      pos += 8 + declared + (declared % 2); // chunks are padded to an even length
    }
  } finally {
    await fh.close();
  }
}
