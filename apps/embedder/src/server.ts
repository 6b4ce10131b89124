import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { float32Samples } from "@earshot/audio";
import type { Logger } from "@earshot/log";
import { observability } from "@earshot/observability";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, LogController } from "fastify";
import { Batcher, OverloadedError } from "./batcher.ts";
import { createMetrics } from "./metrics.ts";

/** What the embedder needs from a model bundle (@earshot/model's ModelBundle has this shape). */
export interface EmbeddingModel {
  name: string;
  version: string;
  dim: number;
  expertNames: string[];
  manifest: unknown;
  /** Where the model actually runs (cpu when cuda was asked for but is missing). */
  executionProvider?: string;
  encodeTexts(texts: string[]): Promise<{ vectors: Float32Array[]; weights: number[][] }>;
  encodeAudio(pcm16k: Float32Array): Promise<Array<{ startS: number; endS: number; vector: Float32Array }>>;
}

export interface EmbedderOptions {
  maxBatch: number;
  maxWaitMs: number;
  maxQueue: number;
  maxAudioQueue: number;
  /** Largest audio body (raw PCM or uploaded file), bytes. */
  maxAudioBytes: number;
  /** The provider asked for; the model's own executionProvider (what it got) wins when it reports one. */
  executionProvider: string;
}

export interface EmbedderDeps {
  /** The model, or its loading: the server answers /healthz at once and /readyz once the model is loaded. */
  model: EmbeddingModel | Promise<EmbeddingModel>;
  /** Decodes an uploaded file to mono float32 PCM at 16 kHz (multipart uploads); throws errors with a `code`. */
  decodeFile: (filePath: string) => Promise<Float32Array>;
  logger: Logger;
  options?: Partial<EmbedderOptions>;
}

export const defaultEmbedderOptions: EmbedderOptions = {
  maxBatch: 64,
  maxWaitMs: 2,
  maxQueue: 1024,
  maxAudioQueue: 32,
  maxAudioBytes: 256 * 1024 * 1024,
  executionProvider: "cpu",
};

const MAX_TEXTS = 512;
const MAX_TEXT_CHARS = 2000;

class BadInputError extends Error {
  constructor(
    message: string,
    public readonly code = "BAD_INPUT",
  ) {
    super(message);
  }
}

type Segment = { startS: number; endS: number; vector: Float32Array };

/**
 * The embedding service: text queries in dynamic batches, audio clips one model call at a time, each lane with a
 * bounded queue that answers 429 OVERLOADED when full. Stateless: any number of replicas can sit behind a balancer.
 */
export async function buildEmbedder(deps: EmbedderDeps): Promise<FastifyInstance> {
  const opts = { ...defaultEmbedderOptions, ...deps.options };
  // Queue depth is read lazily at scrape time, so the lanes can be created below.
  const metrics = createMetrics({ text: () => textLane.depth, audio: () => audioLane.depth });
  let model: EmbeddingModel | undefined;
  let loadError: Error | undefined;
  const modelReady = Promise.resolve(deps.model).then(
    (m) => {
      model = m;
      const provider = m.executionProvider ?? opts.executionProvider;
      metrics.modelInfo.set({ name: m.name, version: m.version, execution_provider: provider }, 1);
      return m;
    },
    (err: Error) => {
      loadError = err;
      deps.logger.error({ err }, "model failed to load");
      throw err;
    },
  );
  modelReady.catch(() => {});

  const textLane = new Batcher<string, { vector: Float32Array; weights: number[] }>(
    async (texts) => {
      const out = await (model as EmbeddingModel).encodeTexts(texts);
      return out.vectors.map((vector, i) => ({ vector, weights: out.weights[i] ?? [] }));
    },
    {
      maxBatch: opts.maxBatch,
      maxWaitMs: opts.maxWaitMs,
      maxQueue: opts.maxQueue,
      onBatch: (n, s) => {
        metrics.batchSize.observe({ lane: "text" }, n);
        metrics.batchSeconds.observe({ lane: "text" }, s);
      },
    },
  );
  const audioLane = new Batcher<Float32Array, Segment[]>(
    async (clips) => {
      const out: Segment[][] = [];
      for (const pcm of clips) out.push(await (model as EmbeddingModel).encodeAudio(pcm));
      return out;
    },
    {
      maxBatch: 1,
      maxWaitMs: 0,
      maxQueue: opts.maxAudioQueue,
      onBatch: (n, s) => {
        metrics.batchSize.observe({ lane: "audio" }, n);
        metrics.batchSeconds.observe({ lane: "audio" }, s);
      },
    },
  );
  // No per-request logs: this internal service answers many small calls; /metrics counts them instead.
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  app.addContentTypeParser(
    "application/octet-stream",
    { parseAs: "buffer", bodyLimit: opts.maxAudioBytes },
    (_req, body, done) => done(null, body),
  );
  // x-request-id from the API/worker onto this request's log lines; request durations into the same registry.
  await app.register(observability, { service: "embedder", registry: metrics.registry, metricsPath: false });
  await app.register(multipart, { limits: { files: 1, fileSize: opts.maxAudioBytes, fields: 4 } });

  // Every response names the model that produced it (bodies of embedding calls carry it too).
  app.addHook("onSend", async (_req, reply) => {
    if (model) reply.header("x-earshot-model", `${model.name}@${model.version}`);
  });

  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unknown";
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err instanceof OverloadedError) return sendError(reply, 429, "OVERLOADED", err.message);
    if (err instanceof BadInputError) return sendError(reply, 400, err.code, err.message);
    if (err.validation) return sendError(reply, 400, "BAD_INPUT", err.message);
    if (err.statusCode === 413 || err.code === "FST_REQ_FILE_TOO_LARGE") {
      return sendError(reply, 413, "TOO_LARGE", err.message);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, err.statusCode, "BAD_INPUT", err.message);
    }
    deps.logger.error({ err }, "embedding failed");
    return sendError(reply, 500, "INTERNAL", "embedding failed");
  });

  /** Every embedding route needs the model; before it is loaded they answer 503 so clients retry. */
  function requireModel(reply: FastifyReply): EmbeddingModel | undefined {
    if (model) return model;
    sendError(reply, 503, "NOT_READY", loadError ? `model failed to load: ${loadError.message}` : "model loading");
    return undefined;
  }

  const modelInfo = (m: EmbeddingModel) => ({ name: m.name, version: m.version, dim: m.dim });

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_req, reply) => {
    if (model) return { status: "ready", model: modelInfo(model) };
    return reply.code(503).send({ status: loadError ? "failed" : "loading", reason: loadError?.message });
  });

  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get("/v1/model", async (_req, reply) => {
    const m = requireModel(reply);
    if (!m) return reply;
    const manifest = (m.manifest ?? {}) as Record<string, unknown>;
    return {
      ...modelInfo(m),
      architecture: manifest.architecture,
      sampleRate: manifest.sampleRate,
      segment: manifest.segment,
      experts: m.expertNames,
      executionProvider: m.executionProvider ?? opts.executionProvider,
      metrics: manifest.metrics ?? {},
    };
  });

  app.post(
    "/v1/embed/text",
    {
      schema: {
        body: {
          type: "object",
          required: ["texts"],
          additionalProperties: false,
          properties: {
            texts: {
              type: "array",
              minItems: 1,
              maxItems: MAX_TEXTS,
              items: { type: "string", maxLength: MAX_TEXT_CHARS },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const m = requireModel(reply);
      if (!m) return reply;
      const { texts } = req.body as { texts: string[] };
      const out = await textLane.submit(texts);
      return {
        model: modelInfo(m),
        vectors: out.map((o) => Array.from(o.vector)),
        weights: out.map((o) => o.weights),
        experts: m.expertNames,
      };
    },
  );

  app.post("/v1/embed/audio", async (req, reply) => {
    const m = requireModel(reply);
    if (!m) return reply;
    let pcm: Float32Array;
    if (req.isMultipart()) {
      pcm = await decodeUpload(req.file.bind(req), deps.decodeFile);
    } else {
      pcm = pcmFromBody(req.body);
    }
    const segments = (await audioLane.submit([pcm]))[0] ?? [];
    return {
      model: modelInfo(m),
      segments: segments.map((s) => ({ startS: s.startS, endS: s.endS, vector: Array.from(s.vector) })),
    };
  });

  app.addHook("onClose", async () => {
    await modelReady.catch(() => {});
  });
  return app;
}

function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/** Raw little-endian float32 mono PCM at 16 kHz; every sample must be finite. */
function pcmFromBody(body: unknown): Float32Array {
  if (!Buffer.isBuffer(body)) {
    throw new BadInputError("send raw float32 PCM as application/octet-stream, or a file as multipart/form-data");
  }
  if (body.length === 0) throw new BadInputError("empty audio body");
  if (body.length % 4 !== 0) throw new BadInputError(`body length ${body.length} is not a multiple of 4 (float32)`);
  // Read in place (no copy of megabytes per request) unless the Buffer is unaligned.
  const pcm = float32Samples(body);
  for (let i = 0; i < pcm.length; i++) {
    if (!Number.isFinite(pcm[i] as number)) throw new BadInputError(`sample ${i} is not a finite number`);
  }
  return pcm;
}

async function decodeUpload(
  getFile: () => Promise<import("@fastify/multipart").MultipartFile | undefined>,
  decodeFile: (p: string) => Promise<Float32Array>,
): Promise<Float32Array> {
  const file = await getFile();
  if (!file) throw new BadInputError("multipart body has no file part");
  const tmp = path.join(os.tmpdir(), `earshot-embed-${randomUUID()}${path.extname(file.filename).slice(0, 16)}`);
  try {
    await pipeline(file.file, createWriteStream(tmp));
    if (file.file.truncated) throw new BadInputError("uploaded file over the size limit", "TOO_LARGE");
    try {
      return await decodeFile(tmp);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === "string") throw new BadInputError((err as Error).message, code);
      throw err;
    }
  } finally {
    await rm(tmp, { force: true });
  }
}
