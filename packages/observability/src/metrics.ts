// Prometheus metrics: one registry per process, labelled with the service, with Node's default
// process metrics (CPU, memory, event-loop lag, GC) always on.
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";

export { Counter, Gauge, Histogram, Registry, Summary } from "prom-client";

/** A fresh registry with default process metrics and a `service` label on every series. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The part of a BullMQ Queue that queue metrics need. */
export interface CountableQueue {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

const QUEUE_STATES = ["waiting", "active", "delayed", "completed", "failed", "paused", "prioritized"];

/** `bullmq_jobs{queue,state}`: job counts read from Redis at scrape time. */
export function registerQueueMetrics(registry: Registry, queues: CountableQueue[]): Gauge<"queue" | "state"> {
  return new Gauge({
    name: "bullmq_jobs",
    help: "BullMQ jobs per queue and state, read at scrape time",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts(...QUEUE_STATES)));
      queues.forEach((queue, i) => {
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[i]?.[state] ?? 0);
      });
    },
  });
}
