// The embedding service process: loads the model bundle (MODEL_DIR, default models/default) and serves it.
import path from "node:path";
import { decodeAudio, MODEL_SAMPLE_RATE } from "@earshot/audio";
import { loadConfig, repoRoot } from "@earshot/config";
import { createLogger } from "@earshot/log";
import { loadModelBundle } from "@earshot/model";
import { buildEmbedder } from "./server.ts";

const logger = createLogger("embedder");
const config = loadConfig();
const modelDir = path.resolve(repoRoot, config.MODEL_DIR ?? "models/default");
const intraOpThreads = config.EMBEDDER_THREADS || undefined;

logger.info(
  { modelDir, executionProvider: config.EMBEDDER_EXECUTION_PROVIDER, intraOpThreads: intraOpThreads ?? "default" },
  "loading model bundle",
);
const model = loadModelBundle(modelDir, {
  executionProvider: config.EMBEDDER_EXECUTION_PROVIDER,
  intraOpThreads,
  onWarning: (message) => logger.warn(message),
});

const app = await buildEmbedder({
  model: model.then((m) => {
    // @earshot/model falls back to CPU when CUDA is asked for but missing; log what the model really runs on.
    const level = m.executionProvider === config.EMBEDDER_EXECUTION_PROVIDER ? "info" : "warn";
    logger[level](
      { name: m.name, version: m.version, dim: m.dim, executionProvider: m.executionProvider },
      `model loaded, running on ${m.executionProvider}`,
    );
    return m;
  }),
  decodeFile: (file) =>
    decodeAudio(file, {
      sampleRate: MODEL_SAMPLE_RATE,
      maxDurationS: config.INGEST_MAX_DURATION_S,
    }),
  logger,
  options: {
    maxBatch: config.EMBEDDER_MAX_BATCH,
    maxWaitMs: config.EMBEDDER_MAX_WAIT_MS,
    maxQueue: config.EMBEDDER_MAX_QUEUE,
    maxAudioQueue: config.EMBEDDER_MAX_AUDIO_QUEUE,
    executionProvider: config.EMBEDDER_EXECUTION_PROVIDER,
  },
});
await app.listen({ host: config.EMBEDDER_HOST, port: config.EMBEDDER_PORT });

// A model that cannot load is fatal: the process exits so a supervisor (or `pnpm start`) sees it.
model.catch((err: Error) => {
  logger.fatal({ err }, `cannot load the model bundle at ${modelDir}`);
  process.exit(1);
});

async function shutdown() {
  await app.close();
  await model.then((m) => m.close()).catch(() => {});
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
