// Per-operation GraphQL metrics in the API's Prometheus registry (served on the internal metrics port):
// latency by operation name and type, and errors by operation and extensions.code.
import type { ApolloServerPlugin } from "@apollo/server";
import { Counter, Histogram, type Registry } from "@earshot/observability";

/** Operation names are chosen by callers; past this many distinct ones, new names share the label "other". */
export const MAX_OPERATION_NAMES = 200;

export function operationMetricsPlugin(registry: Registry): ApolloServerPlugin {
  const duration = new Histogram({
    name: "graphql_operation_duration_seconds",
    help: "GraphQL operation duration by operation name and type (query, mutation; unresolved when refused earlier)",
    labelNames: ["operation", "type"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const errors = new Counter({
    name: "graphql_operation_errors_total",
    help: "GraphQL errors by operation name and extensions.code",
    labelNames: ["operation", "code"],
    registers: [registry],
  });
  const seen = new Set<string>();
  const label = (name: string | undefined): string => {
    if (!name) return "anonymous";
    if (seen.has(name)) return name;
    if (seen.size >= MAX_OPERATION_NAMES) return "other";
    seen.add(name);
    return name;
  };

  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, errors: errs }) {
          // The name from the parsed document (a GraphQL name), not the request's free-text operationName.
          const operationName = operation ? label(operation.name?.value) : "unresolved";
          duration.observe(
            { operation: operationName, type: operation?.operation ?? "unresolved" },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
          for (const err of errs ?? []) {
            errors.inc({ operation: operationName, code: String(err.extensions?.code ?? "INTERNAL_SERVER_ERROR") });
          }
        },
      };
    },
  };
}
