// Query depth and cost limits, and Redis-backed rate limits per API key / user (per client IP when anonymous).
import type { ApolloServerPlugin } from "@apollo/server";
import { DEFAULT_FIRST } from "@earshot/search";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import type { Redis } from "ioredis";
import type { Context } from "./context.ts";
import { ApiError } from "./errors.ts";

export const MAX_DEPTH = 10;
export const MAX_COST = 5000;

function argValue(v: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!v) return undefined;
  if (v.kind === Kind.VARIABLE) return variables[v.name.value];
  if (v.kind === Kind.INT) return Number(v.value);
  return undefined;
}

/**
 * Cost: every field costs 1; a field with a `first` argument (a connection) multiplies its selection's cost by
 * `first` (default 20). Depth counts nested selection sets. Fragments are expanded (cycles are already rejected by
 * GraphQL validation).
 */
export function measure(
  doc: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  connectionFields: ReadonlySet<string>,
) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let op: OperationDefinitionNode | undefined;
  for (const d of doc.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    if (d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName)) op ??= d;
  }
  const walk = (set: SelectionSetNode, depth: number): { cost: number; depth: number } => {
    let cost = 0;
    let maxDepth = depth;
    for (const s of set.selections) {
      const inner =
        s.kind === Kind.FIELD
          ? s.selectionSet
            ? walk(s.selectionSet, depth + 1)
            : { cost: 0, depth }
          : s.kind === Kind.INLINE_FRAGMENT
            ? walk(s.selectionSet, depth)
            : (() => {
                const f = fragments.get(s.name.value);
                return f ? walk(f.selectionSet, depth) : { cost: 0, depth };
              })();
      if (s.kind === Kind.FIELD) {
        const firstArg = s.arguments?.find((a) => a.name.value === "first");
        const n = connectionFields.has(s.name.value)
          ? Number(argValue(firstArg?.value, variables) ?? DEFAULT_FIRST)
          : 1;
        const multiplier = Number.isFinite(n) && n > 0 ? n : 1;
        cost += 1 + multiplier * inner.cost;
      } else cost += inner.cost;
      maxDepth = Math.max(maxDepth, inner.depth);
    }
    return { cost, depth: maxDepth };
  };
  return op ? walk(op.selectionSet, 1) : { cost: 0, depth: 0 };
}

/** Fixed one-minute windows in Redis; returns seconds to wait when over the limit. */
export async function hitRateLimit(redis: Redis, key: string, limit: number, weight = 1): Promise<number | null> {
  const window = Math.floor(Date.now() / 60_000);
  const k = `${key}:${window}`;
  const [[, count]] = (await redis.multi().incrby(k, weight).expire(k, 120).exec()) as [[unknown, number]];
  return count > limit ? 60 - Math.floor((Date.now() / 1000) % 60) : null;
}

export function rateLimitKey(ctx: Pick<Context, "principal" | "request" | "deps">): string {
  const prefix = `${ctx.deps.redisPrefix ?? "earshot"}:rl`;
  const p = ctx.principal;
  if (!p) return `${prefix}:ip:${ctx.request.ip}`;
  return p.kind === "apiKey" ? `${prefix}:key:${p.apiKeyId}` : `${prefix}:user:${p.userId}`;
}

/** Names of fields that return a connection (their `first` multiplies cost). */
export function connectionFieldNames(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (getNamedType(field.type).name.endsWith("Connection")) names.add(field.name);
    }
  }
  return names;
}

export function limitsPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  const connectionFields = connectionFieldNames(schema);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, contextValue }) {
          const m = measure(document, operationName ?? undefined, request.variables ?? {}, connectionFields);
          if (m.depth > MAX_DEPTH) throw new ApiError("BAD_USER_INPUT", `query depth ${m.depth} exceeds ${MAX_DEPTH}`);
          if (m.cost > MAX_COST) throw new ApiError("BAD_USER_INPUT", `query cost ${m.cost} exceeds ${MAX_COST}`);
          const limit = contextValue.deps.rateLimitPerMinute ?? 600;
          // Redis down: serve without rate limiting rather than refuse every request (logged).
          const wait = await hitRateLimit(contextValue.deps.redis, rateLimitKey(contextValue), limit).catch((err) => {
            contextValue.deps.logger.warn({ err }, "rate limiter unavailable (Redis)");
            return null;
          });
          if (wait !== null) {
            throw new ApiError("RATE_LIMITED", `rate limit of ${limit} requests per minute reached`, {
              retryAfterS: wait,
            });
          }
        },
      };
    },
  };
}
