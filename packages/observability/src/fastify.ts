// Fastify plugin: GET /metrics, request duration histograms, and request-id propagation
// (x-request-id in and out, on every request log line, and current for fetchWithRequestId).
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import { Histogram, type Registry } from "prom-client";
import { createMetricsRegistry } from "./metrics.ts";
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestId } from "./request-id.ts";

export interface ObservabilityOptions {
  /** Service name for the `service` label (used when no registry is passed). */
  service: string;
  /** Registry to expose; pass one to add your own metrics. Default: createMetricsRegistry(service). */
  registry?: Registry;
  /** Default /metrics; false when the app serves its registry itself (the plugin still records durations). */
  metricsPath?: string | false;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Request id shared across processes (from x-request-id or generated). */
    requestId: string;
  }
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}

const plugin: FastifyPluginAsync<ObservabilityOptions> = async (app, opts) => {
  const registry = opts.registry ?? createMetricsRegistry(opts.service);
  const metricsPath = opts.metricsPath ?? "/metrics";
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method, route pattern and status code",
    labelNames: ["method", "route", "status_code"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  app.decorate("metricsRegistry", registry);
  app.decorateRequest("requestId", "");

  app.addHook("onRequest", (request, reply, done) => {
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    request.requestId = requestId;
    // Fastify logs through request.log and reply.log; both get the id.
    request.log = request.log.child({ requestId });
    reply.log = request.log;
    reply.header(REQUEST_ID_HEADER, requestId);
    // Everything downstream of this hook (handlers, resolvers, fetches) sees the id.
    runWithRequestId(requestId, done);
  });

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === metricsPath) return;
    duration.observe(
      // Route patterns, not raw URLs, keep label cardinality bounded; unmatched URLs share one label.
      { method: request.method, route: route ?? "unmatched", status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  if (metricsPath !== false) {
    app.get(metricsPath, { logLevel: "warn" }, async (_request, reply) => {
      reply.header("content-type", registry.contentType);
      return registry.metrics();
    });
  }
};

/** Register once on the root instance: `await app.register(observability, { service: "api" })`. */
export const observability = fp(plugin, { name: "earshot-observability", fastify: "5.x" });
