/**
 * The first `bytes` bytes of buf as little-endian float32 samples: a view of buf's memory when it is 4-byte aligned
 * (the usual case: pipe reads, and any Buffer over 4 KiB, which gets a memory block of its own), else an aligned
 * copy (a small Buffer may sit at any offset of Node's shared pool).
 */
export function float32Samples(buf: Uint8Array, bytes = buf.length): Float32Array {
  return buf.byteOffset % 4 === 0
    ? new Float32Array(buf.buffer, buf.byteOffset, bytes / 4)
    : new Float32Array(Uint8Array.prototype.slice.call(buf, 0, bytes).buffer);
}
