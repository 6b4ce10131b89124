// ONNX sessions of a bundle: opened by packages/audio's createSession (execution provider choice with CPU fallback,
// thread count), with bundle-specific error codes and warnings routed to the caller.
import { createSession, type ExecutionProvider, isAudioError, type OnnxOptions } from "@earshot/audio";
import * as ort from "onnxruntime-node";
import { ModelError } from "./errors.ts";

export type { ExecutionProvider };

export interface SessionOptions {
  executionProvider?: ExecutionProvider;
  /** Threads one ONNX run may use (default 1: predictable latency on a shared machine). */
  intraOpThreads?: number;
  /** Where warnings go (CUDA asked for but unavailable); default: process.emitWarning (stderr, never stdout). */
  onWarning?: (message: string) => void;
}

/** The options packages/audio's sessions take, with warnings sent to onWarning. */
export function onnxOptions(opts: SessionOptions): OnnxOptions {
  const warn = opts.onWarning ?? ((m: string) => process.emitWarning(m, "EarshotModelWarning"));
  return {
    executionProvider: opts.executionProvider ?? "cpu",
    intraOpThreads: opts.intraOpThreads ?? 1,
    logger: { warn: (obj, msg) => warn(`${msg}: ${(obj as { reason?: string }).reason ?? ""}`.trim()) },
  };
}

export async function openSession(
  file: string,
  opts: SessionOptions = {},
): Promise<{ session: ort.InferenceSession; executionProvider: ExecutionProvider }> {
  try {
    return await createSession(file, onnxOptions(opts));
  } catch (err) {
    if (isAudioError(err) && err.code === "NOT_FOUND") {
      throw new ModelError("BUNDLE_FILE_MISSING", `missing ONNX file ${file}`, { cause: err });
    }
    throw new ModelError("ONNX_LOAD_FAILED", `cannot load ONNX model ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export function requireNames(session: ort.InferenceSession, file: string, inputs: string[], outputs: string[]) {
  const missingIn = inputs.filter((n) => !session.inputNames.includes(n));
  const missingOut = outputs.filter((n) => !session.outputNames.includes(n));
  if (missingIn.length || missingOut.length) {
    throw new ModelError(
      "BUNDLE_INVALID",
      `${file} does not match the manifest: ` +
        [
          missingIn.length ? `missing inputs ${missingIn.join(", ")} (has ${session.inputNames.join(", ")})` : "",
          missingOut.length ? `missing outputs ${missingOut.join(", ")} (has ${session.outputNames.join(", ")})` : "",
        ]
          .filter(Boolean)
          .join("; "),
    );
  }
}

export async function runSession(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  outputs: string[],
): Promise<Record<string, ort.Tensor>> {
  try {
    const result = await session.run(feeds, outputs);
    return result as Record<string, ort.Tensor>;
  } catch (err) {
    throw new ModelError("ONNX_RUN_FAILED", `ONNX run failed: ${(err as Error).message}`, { cause: err });
  }
}

export function floatTensor(data: Float32Array, dims: number[]): ort.Tensor {
  return new ort.Tensor("float32", data, dims);
}
