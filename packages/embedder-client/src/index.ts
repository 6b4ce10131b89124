// HTTP client for the embedding service (apps/embedder). Used by the worker (audio), the search package and the
// API (text). Transient failures (connection refused, timeout, 429, 502-504) are retried with backoff and then
// surface as EmbedderUnavailableError, so callers can tell "try later" from "this input is bad" (EmbedderError).

import http from "node:http";
import https from "node:https";
import { requestIdHeaders } from "@earshot/observability/request-id";

export interface ModelInfo {
  name: string;
  version: string;
  dim: number;
}

export interface TextEmbeddings {
  model: ModelInfo;
  vectors: Float32Array[];
  /** Per text, the mixture weight of each expert (same order as `experts`). */
  weights: number[][];
  experts: string[];
}

export interface AudioSegmentEmbedding {
  startS: number;
  endS: number;
  vector: Float32Array;
}

export interface AudioEmbeddings {
  model: ModelInfo;
  segments: AudioSegmentEmbedding[];
}

export interface EmbedderClientOptions {
  /** Per attempt. Default 30 s (a long clip's audio embedding on 2 CPU cores takes a while). */
  timeoutMs?: number;
  /** Extra attempts after the first for transient failures. Default 2. */
  retries?: number;
  /** First backoff delay; doubles each retry. Default 200 ms. */
  backoffMs?: number;
}

/** Transient: the service is down, overloaded (429) or timed out. Retrying later may succeed. */
export class EmbedderUnavailableError extends Error {
  constructor(
    message: string,
    public readonly code: "EMBEDDER_UNAVAILABLE" | "OVERLOADED" | "TIMEOUT" = "EMBEDDER_UNAVAILABLE",
  ) {
    super(message);
    this.name = "EmbedderUnavailableError";
  }
}

/** Permanent: the service rejected the request (e.g. BAD_INPUT). Retrying the same input will fail again. */
export class EmbedderError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
  ) {
    super(message);
    this.name = "EmbedderError";
  }
}

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

/** Texts per /v1/embed/text request: the embedder's schema refuses more (apps/embedder, MAX_TEXTS). */
export const MAX_TEXTS_PER_REQUEST = 512;

export class EmbedderClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(baseUrl: string, opts: EmbedderClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 2;
    this.backoffMs = opts.backoffMs ?? 200;
  }

  /**
   * Any number of texts: sent in requests of at most MAX_TEXTS_PER_REQUEST, one after another (the embedder's
   * text queue is shared with every search). All parts must come from the same model, else EmbedderUnavailableError.
   */
  async embedTexts(texts: string[]): Promise<TextEmbeddings> {
    let out: TextEmbeddings | undefined;
    for (let i = 0; i < texts.length || i === 0; i += MAX_TEXTS_PER_REQUEST) {
      const part = await this.embedTextBatch(texts.slice(i, i + MAX_TEXTS_PER_REQUEST));
      if (!out) out = part;
      else if (part.model.version !== out.model.version || part.model.name !== out.model.name) {
        throw new EmbedderUnavailableError(`the embedder changed model during a request (${part.model.version})`);
      } else {
        out.vectors.push(...part.vectors);
        out.weights.push(...part.weights);
      }
    }
    return out as TextEmbeddings;
  }

  private async embedTextBatch(texts: string[]): Promise<TextEmbeddings> {
    const body = await this.request<{ model: ModelInfo; vectors: number[][]; weights: number[][]; experts: string[] }>(
      "/v1/embed/text",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ texts }) },
    );
    return {
      model: body.model,
      vectors: body.vectors.map((v) => Float32Array.from(v)),
      weights: body.weights,
      experts: body.experts,
    };
  }

  /** pcm16k: mono float32 samples at 16 kHz. Sent as raw little-endian float32. */
  async embedAudio(pcm16k: Float32Array): Promise<AudioEmbeddings> {
    const payload = Buffer.from(pcm16k.buffer, pcm16k.byteOffset, pcm16k.byteLength);
    const body = await this.request<{
      model: ModelInfo;
      segments: Array<{ startS: number; endS: number; vector: number[] }>;
    }>("/v1/embed/audio", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: payload,
    });
    return {
      model: body.model,
      segments: body.segments.map((s) => ({ startS: s.startS, endS: s.endS, vector: Float32Array.from(s.vector) })),
    };
  }

  /** The loaded model's identity, manifest summary and evaluation metrics. */
  async model(): Promise<ModelInfo & { metrics: unknown; [key: string]: unknown }> {
    return this.request("/v1/model", { method: "GET" });
  }

  private async request<T>(path: string, init: Exchange): Promise<T> {
    let lastError: EmbedderUnavailableError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const delay = this.backoffMs * 2 ** (attempt - 1);
        await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
      }
      let res: { status: number; text: string };
      try {
        res = await exchange(new URL(`${this.baseUrl}${path}`), init, this.timeoutMs);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        lastError =
          e.name === "AbortError"
            ? new EmbedderUnavailableError(
                `embedder at ${this.baseUrl} timed out after ${this.timeoutMs} ms`,
                "TIMEOUT",
              )
            : new EmbedderUnavailableError(`embedder at ${this.baseUrl} is unreachable: ${e.code ?? e.message}`);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return JSON.parse(res.text) as T;
      const { code, message } = readError(res);
      if (TRANSIENT_STATUS.has(res.status)) {
        lastError = new EmbedderUnavailableError(
          `embedder answered ${res.status} ${code}: ${message}`,
          res.status === 429 ? "OVERLOADED" : "EMBEDDER_UNAVAILABLE",
        );
        continue;
      }
      throw new EmbedderError(code, message, res.status);
    }
    throw lastError ?? new EmbedderUnavailableError(`embedder at ${this.baseUrl} is unavailable`);
  }
}

interface Exchange {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * One HTTP request and its whole response body, on node:http rather than fetch: fetch copies a binary body before
 * sending it, which for audio is megabytes of PCM per minute and ~6 ms of the worker's CPU per audio minute
 * (docs/benchmarks.md, "Issue #5"). Forwards the caller's x-request-id, so the embedder's logs line up with the
 * API's and the worker's. A timeout aborts the request (an AbortError).
 */
function exchange(url: URL, init: Exchange, timeoutMs: number): Promise<{ status: number; text: string }> {
  const headers = Object.fromEntries(requestIdHeaders(init.headers));
  if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(
      url,
      { method: init.method, headers, signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

function readError(res: { status: number; text: string }): { code: string; message: string } {
  try {
    const parsed = JSON.parse(res.text) as { error?: { code?: string; message?: string } };
    if (parsed.error?.code) return { code: parsed.error.code, message: parsed.error.message ?? `HTTP ${res.status}` };
  } catch {
    // not JSON: fall through
  }
  return { code: `HTTP_${res.status}`, message: res.text.slice(0, 200) || `HTTP ${res.status}` };
}
