import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createLogger } from "@earshot/log";
import type * as Ort from "onnxruntime-node";
import { AudioError } from "./errors.ts";

export type ExecutionProvider = "cpu" | "cuda";

export interface OnnxOptions {
  /** "cpu" (default) or "cuda"; cuda falls back to cpu with a logged warning when unavailable. */
  executionProvider?: ExecutionProvider;
  /** Threads per session for one operator (default 1: services run several sessions side by side). */
  intraOpThreads?: number;
  logger?: { warn: (obj: object, msg: string) => void };
}

let defaultLogger: OnnxOptions["logger"];

let ortModule: Promise<typeof Ort> | undefined;

/**
 * onnxruntime-node, loaded on first use: its native library adds tens of MB to the process, which slows
 * every ffmpeg spawn (fork copies the page tables) for callers that only decode.
 */
export function loadOrt(): Promise<typeof Ort> {
  ortModule ??= import("onnxruntime-node");
  return ortModule;
}

/** onnxruntime-node ships CUDA support as a separate library its postinstall downloads; look before trying. */
function cudaProviderInstalled(ort: typeof Ort): boolean {
  if (!ort.listSupportedBackends().some((b) => b.name === "cuda")) return false;
  const require = createRequire(import.meta.url);
  const bin = join(
    dirname(require.resolve("onnxruntime-node")),
    "..",
    "bin",
    "napi-v6",
    process.platform,
    process.arch,
  );
  return existsSync(join(bin, "libonnxruntime_providers_cuda.so"));
}

/** Opens a model on the asked execution provider, falling back to CPU (with a warning) when CUDA is missing. */
export async function createSession(
  modelPath: string,
  opts: OnnxOptions = {},
): Promise<{ session: Ort.InferenceSession; executionProvider: ExecutionProvider }> {
  const ort = await loadOrt();
  try {
    if (!(await stat(modelPath)).isFile()) throw new Error("not a file");
  } catch {
    throw new AudioError("NOT_FOUND", `No ONNX model at ${modelPath}`);
  }
  const base: Ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.intraOpThreads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  };
  if (opts.executionProvider === "cuda") {
    try {
      if (!cudaProviderInstalled(ort)) {
        throw new Error("onnxruntime-node's CUDA provider library is not installed (its install step was skipped)");
      }
      // Fatal-only logging for this attempt: the fallback below reports the failure once, as a warning.
      const session = await ort.InferenceSession.create(modelPath, {
        ...base,
        executionProviders: ["cuda"],
        logSeverityLevel: 4,
      });
      return { session, executionProvider: "cuda" };
    } catch (err) {
      defaultLogger ??= createLogger("audio");
      (opts.logger ?? defaultLogger).warn(
        { model: modelPath, reason: (err as Error).message },
        "CUDA execution provider unavailable, running on CPU",
      );
    }
  }
  try {
    const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: ["cpu"] });
    return { session, executionProvider: "cpu" };
  } catch (err) {
    throw new AudioError("UNSUPPORTED", `Cannot load ONNX model ${modelPath}: ${(err as Error).message}`);
  }
}
