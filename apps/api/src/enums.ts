// Schema enums whose values come from other layers (the queue, the worker, the decoder): strings stored or
// reported elsewhere become enum values here, and an unknown one maps to a catch-all instead of failing the response.
import type { AudioErrorCode } from "@earshot/audio";
import type { IngestErrorCode } from "@earshot/ingest";
import type { ReindexState, UploadErrorCode } from "./generated/graphql.ts";

/** Every UploadErrorCode; a Record so that adding a value to the schema without listing it here fails to compile. */
const UPLOAD_ERROR_CODES: Record<UploadErrorCode, true> = {
  EMPTY_FILE: true,
  TOO_LARGE: true,
  UNSAFE_PATH: true,
  ZIP_BOMB: true,
  BAD_ARCHIVE: true,
  BAD_METADATA: true,
  NOT_FOUND: true,
  UNREADABLE: true,
  NOT_A_FILE: true,
  NOT_AUDIO: true,
  CORRUPT: true,
  TRUNCATED: true,
  ZERO_LENGTH: true,
  TOO_LONG: true,
  BAD_SAMPLE_RATE: true,
  UNSUPPORTED: true,
  INVALID_SAMPLES: true,
  DECODE_TIMEOUT: true,
  DECODER_MISSING: true,
  EMBED_REJECTED: true,
  EMBEDDER_UNAVAILABLE: true,
  DATABASE_UNAVAILABLE: true,
  STALLED: true,
  INTERNAL: true,
};
// Compile-time proof that every code ingest and the decoder can record is a value of the schema's enum.
const _coversProducers: Record<IngestErrorCode | AudioErrorCode, true> = UPLOAD_ERROR_CODES;
void _coversProducers;

/** upload_items.error_code as the enum; a code this API does not know (an older or newer worker's) reads INTERNAL. */
export function uploadErrorCode(code: string | null): UploadErrorCode | null {
  if (code === null) return null;
  return Object.hasOwn(UPLOAD_ERROR_CODES, code) ? (code as UploadErrorCode) : "INTERNAL";
}

const REINDEX_STATES: Record<ReindexState, true> = {
  WAITING: true,
  PRIORITIZED: true,
  WAITING_CHILDREN: true,
  DELAYED: true,
  ACTIVE: true,
  COMPLETED: true,
  FAILED: true,
  UNKNOWN: true,
};

/** A BullMQ job state ("waiting-children", "completed", ...) as the enum. */
export function reindexState(state: string): ReindexState {
  const value = state.toUpperCase().replace(/-/g, "_");
  return Object.hasOwn(REINDEX_STATES, value) ? (value as ReindexState) : "UNKNOWN";
}
