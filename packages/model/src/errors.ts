/** Stable codes for everything that can go wrong loading or running a model bundle. */
export type ModelErrorCode =
  | "BUNDLE_NOT_FOUND"
  | "BUNDLE_INVALID"
  | "BUNDLE_FILE_MISSING"
  | "BUNDLE_FILE_CORRUPT"
  | "ONNX_LOAD_FAILED"
  | "ONNX_RUN_FAILED"
  | "UNKNOWN_FRONTEND"
  | "PRETRAINED_MISSING"
  | "PRETRAINED_MISMATCH"
  | "FEATURE_MISMATCH"
  | "BAD_INPUT"
  | "CLOSED";

export class ModelError extends Error {
  constructor(
    public readonly code: ModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelError";
  }
}
