export { type BullBoardOptions, basicAuth, registerBullBoard } from "./bull-board.ts";
export { type ObservabilityOptions, observability } from "./fastify.ts";
export {
  type CountableQueue,
  Counter,
  createMetricsRegistry,
  Gauge,
  Histogram,
  Registry,
  registerQueueMetrics,
  Summary,
} from "./metrics.ts";
export { type MetricsServer, type MetricsServerOptions, startMetricsServer } from "./metrics-server.ts";
export {
  currentRequestId,
  fetchWithRequestId,
  isValidRequestId,
  REQUEST_ID_HEADER,
  requestIdFrom,
  requestIdHeaders,
  runWithRequestId,
  withRequestId,
} from "./request-id.ts";
