import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One registry per server instance, so several servers in one process (tests) do not collide. */
export function createMetrics(depth: { text: () => number; audio: () => number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "embedder_requests_total",
    help: "HTTP requests by route and status code",
    labelNames: ["route", "status"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "embedder_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: "embedder_batch_size",
    help: "Items per model call",
    labelNames: ["lane"] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: "embedder_batch_duration_seconds",
    help: "Model call time per batch",
    labelNames: ["lane"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "embedder_queue_depth",
    help: "Items waiting for a model call",
    labelNames: ["lane"] as const,
    registers: [registry],
    collect() {
      this.set({ lane: "text" }, depth.text());
      this.set({ lane: "audio" }, depth.audio());
    },
  });
  const modelInfo = new Gauge({
    name: "embedder_model_info",
    help: "The model bundle being served (value 1)",
    labelNames: ["name", "version", "execution_provider"] as const,
    registers: [registry],
  });
  return { registry, requests, latency, batchSize, batchSeconds, modelInfo };
}

export type EmbedderMetrics = ReturnType<typeof createMetrics>;
