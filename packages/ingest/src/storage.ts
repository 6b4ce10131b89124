import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { IngestError } from "./errors.ts";

export interface StoredObject {
  /** Storage key; content-addressed, so equal bytes get equal keys. */
  key: string;
  sha256: string;
  size: number;
}

/** A path may be a Buffer: file names that are not valid UTF-8 can only be opened by their bytes. */
export type StorageInput = Buffer | Readable | { path: string | Buffer };

/**
 * Where uploaded files live. Content-addressed by sha256: put() of the same bytes twice stores them once.
 * Local directory today; an S3-compatible implementation needs only these methods.
 */
export interface Storage {
  /**
   * Stores the bytes; rejects with IngestError TOO_LARGE past maxBytes (nothing is kept then). A stream over the
   * limit is still read to its end, so the next part of a multipart request can be read after it.
   */
  put(input: StorageInput, opts?: { maxBytes?: number }): Promise<StoredObject>;
  get(key: string): Readable;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
  /** A path on local disk with the bytes (ffmpeg reads files); remote storage would download to a cache here. */
  localPath(key: string): Promise<string>;
}

const KEY = /^[0-9a-f]{64}$/;
/**
 * Reads of stored-from-path files: 1 MiB instead of the default 64 KiB halves the CPU of storing a large file (16x
 * fewer chunks through the streams and the hash; docs/benchmarks.md, "Issue #5").
 */
const READ_CHUNK = 1 << 20;

/** Files under dir/ab/cd/<sha256>; partial writes go to dir/tmp and are renamed into place when complete. */
export class LocalStorage implements Storage {
  constructor(readonly dir: string) {}

  async put(input: StorageInput, opts: { maxBytes?: number } = {}): Promise<StoredObject> {
    const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    const tmpDir = path.join(this.dir, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    const hash = createHash("sha256");
    let size = 0;
    const tooLarge = () => new IngestError("TOO_LARGE", `file is over the ${formatBytes(maxBytes)} limit`);
    // Failing a stream at once would destroy it, and busboy then ends the whole request: discard the rest instead.
    const drain = input instanceof Readable;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) {
          done(drain ? null : tooLarge());
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        done(size > maxBytes ? tooLarge() : null);
      },
    });
    const source =
      input instanceof Readable
        ? input
        : Buffer.isBuffer(input)
          ? Readable.from([input])
          : createReadStream(input.path, { highWaterMark: READ_CHUNK });
    try {
      await pipeline(source, meter, createWriteStream(tmp));
      const sha256 = hash.digest("hex");
      const final = this.pathOf(sha256);
      await mkdir(path.dirname(final), { recursive: true });
      // Same content already stored: rename just replaces it with identical bytes.
      await rename(tmp, final);
      return { key: sha256, sha256, size };
    } catch (err) {
      await rm(tmp, { force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (!(input instanceof Readable) && !Buffer.isBuffer(input)) {
        const shown = String(input.path);
        if (code === "ENOENT") throw new IngestError("NOT_FOUND", `no such file: ${shown}`, { cause: err });
        if (code === "EACCES" || code === "EISDIR" || code === "EPERM") {
          throw new IngestError("UNREADABLE", `cannot read ${shown} (${code})`, { cause: err });
        }
      }
      throw err;
    }
  }

  get(key: string): Readable {
    return createReadStream(this.pathOf(key));
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await stat(this.pathOf(key))).size };
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async localPath(key: string): Promise<string> {
    return this.pathOf(key);
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new RangeError(`bad storage key ${JSON.stringify(key)}`);
    return path.join(this.dir, key.slice(0, 2), key.slice(2, 4), key);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
