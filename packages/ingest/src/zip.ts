import path from "node:path";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { IngestError } from "./errors.ts";
import { normaliseName } from "./metadata.ts";
import { formatBytes } from "./storage.ts";

export interface ArchiveLimits {
  /** Largest single file, expanded. */
  maxFileBytes: number;
  /** Largest total of all files, expanded. */
  maxTotalBytes: number;
  /** Expanded/compressed beyond this (for entries over 1 MiB) is a zip bomb; real audio barely compresses. */
  maxRatio: number;
  maxEntries: number;
}

export const defaultArchiveLimits: ArchiveLimits = {
  maxFileBytes: 512 * 1024 ** 2,
  maxTotalBytes: 20 * 1024 ** 3,
  maxRatio: 100,
  maxEntries: 100_000,
};

/** One file in an archive: either readable, or rejected with its reason (the rest of the archive still counts). */
export type ArchiveEntry =
  | { name: string; size: number; error?: undefined; open(): Promise<Readable> }
  | { name: string; size: number; error: IngestError };

export interface Archive {
  entries: ArchiveEntry[];
  close(): void;
}

const RATIO_FLOOR_BYTES = 1024 ** 2;

/**
 * Lists a zip's files from its central directory without expanding anything, judging each entry: unsafe names
 * (absolute, "..", control characters), encrypted entries, 0-byte files, files over the size limit and zip-bomb
 * entries are rejected one by one. yauzl checks while reading that an entry expands to exactly its declared size,
 * so a lying header cannot slip past these checks. Directories and OS clutter (__MACOSX, ._*, .DS_Store) are skipped.
 */
export async function openArchive(zipPath: string, limits: Partial<ArchiveLimits> = {}): Promise<Archive> {
  const lim = { ...defaultArchiveLimits, ...limits };
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings: false so one bad name rejects that entry, not the whole archive (we validate names ourselves).
    zip = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT") throw new IngestError("NOT_FOUND", `no such file: ${zipPath}`, { cause: err });
    // No file name in the message: the item carries the name the user gave (zipPath may be a temp file).
    throw new IngestError("BAD_ARCHIVE", `not a readable zip archive: ${e.message}`, {
      cause: err,
    });
  }
  const entries: ArchiveEntry[] = [];
  let total = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = entry.fileName as unknown as Buffer;
      const decoded = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
      const name = normaliseName(decoded);
      if (name.endsWith("/") || isClutter(name)) continue;
      if (entries.length >= lim.maxEntries) {
        throw new IngestError("ZIP_BOMB", `archive has more than ${lim.maxEntries} files`);
      }
      const size = entry.uncompressedSize;
      const reject = (error: IngestError) => entries.push({ name, size, error });
      const unsafe = yauzl.validateFileName(name) ?? (hasControlChars(decoded) ? "control characters in name" : null);
      if (unsafe) {
        reject(new IngestError("UNSAFE_PATH", `unsafe name in archive (${unsafe.replace(/:.*$/, "")})`));
      } else if (entry.isEncrypted()) {
        reject(new IngestError("BAD_ARCHIVE", "encrypted entries are not supported"));
      } else if (size === 0) {
        reject(new IngestError("EMPTY_FILE", "file is empty (0 bytes)"));
      } else if (size > lim.maxFileBytes) {
        reject(
          new IngestError(
            "TOO_LARGE",
            `file expands to ${formatBytes(size)}, over the ${formatBytes(lim.maxFileBytes)} limit`,
          ),
        );
      } else if (size > RATIO_FLOOR_BYTES && size / Math.max(entry.compressedSize, 1) > lim.maxRatio) {
        reject(
          new IngestError(
            "ZIP_BOMB",
            `compression ratio ${Math.round(size / Math.max(entry.compressedSize, 1))}:1 is over the ${lim.maxRatio}:1 limit`,
          ),
        );
      } else if (total + size > lim.maxTotalBytes) {
        reject(new IngestError("ZIP_BOMB", `archive expands past the ${formatBytes(lim.maxTotalBytes)} total limit`));
      } else {
        total += size;
        entries.push({ name, size, open: () => openEntry(zip, entry) });
      }
    }
  } catch (err) {
    zip.close();
    if (err instanceof IngestError) throw err;
    throw new IngestError("BAD_ARCHIVE", `the zip archive is damaged: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { entries, close: () => zip.close() };
}

/**
 * yauzl pipes the inflater into the returned stream at once, so a damaged entry can emit "error" before the
 * caller has attached its pipeline. Turn that first error into destroy(err): the stream is then marked errored
 * (a pipeline attached later fails with it) and no error goes unhandled.
 */
async function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  const stream = await zip.openReadStreamPromise(entry);
  let failed = false;
  stream.on("error", (err) => {
    if (failed) return;
    failed = true;
    stream.destroy(err);
  });
  return stream;
}

function hasControlChars(name: string): boolean {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) < 0x20) return true;
  return false;
}

function isClutter(name: string): boolean {
  const base = path.posix.basename(name);
  return name.startsWith("__MACOSX/") || base.startsWith("._") || base === ".DS_Store" || base === "Thumbs.db";
}
