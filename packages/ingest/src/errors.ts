/** Stable codes for upload problems found before any audio is decoded. Audio problems use @earshot/audio's codes. */
export type IngestErrorCode =
  | "EMPTY_FILE" // 0 bytes
  | "TOO_LARGE" // over the per-file size limit
  | "UNSAFE_PATH" // a zip entry name that is absolute or climbs out with ".."
  | "ZIP_BOMB" // a zip entry whose compression ratio or total expanded size is beyond the limits
  | "BAD_ARCHIVE" // the zip itself cannot be read
  | "BAD_METADATA" // the metadata sidecar cannot be parsed
  | "NOT_FOUND" // the path given does not exist
  | "UNREADABLE" // the file exists but cannot be read (permissions, a directory)
  | "NOT_A_FILE" // a symbolic link (never followed), FIFO, socket or device in an uploaded folder
  | "EMBED_REJECTED" // the embedding service refused the audio (a permanent 4xx)
  | "EMBEDDER_UNAVAILABLE" // the embedding service stayed down through every retry
  | "DATABASE_UNAVAILABLE" // the database stayed unreachable or busy through every retry
  | "STALLED" // the job kept stalling (its worker died) beyond the allowed count
  | "INTERNAL"; // anything unexpected, after retries

export class IngestError extends Error {
  constructor(
    public readonly code: IngestErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "IngestError";
  }
}

export function isIngestError(err: unknown): err is IngestError {
  return err instanceof IngestError;
}
