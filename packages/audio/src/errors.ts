/** Stable codes for every way an input file can be unusable. Callers store `code`; `message` is for humans. */
export type AudioErrorCode =
  | "NOT_FOUND" // no such file, or not a regular file
  | "EMPTY_FILE" // 0 bytes
  | "TOO_LARGE" // file over the size limit
  | "NOT_AUDIO" // readable, but no audio stream in it (text, image, garbage)
  | "CORRUPT" // has an audio stream but the decoder fails on it
  | "TRUNCATED" // decoding stopped well before the duration the header declares
  | "ZERO_LENGTH" // a valid audio stream with no samples
  | "TOO_LONG" // longer than maxDurationS
  | "BAD_SAMPLE_RATE" // declared sample rate outside what any real recording uses
  | "UNSUPPORTED" // a codec or layout the decoder cannot handle
  | "INVALID_SAMPLES" // NaN or infinite sample values
  | "DECODE_TIMEOUT" // the decoder produced nothing for timeoutMs
  | "DECODER_MISSING"; // ffmpeg/ffprobe not installed

export class AudioError extends Error {
  constructor(
    public readonly code: AudioErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AudioError";
  }
}

export function isAudioError(err: unknown): err is AudioError {
  return err instanceof AudioError;
}
