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
