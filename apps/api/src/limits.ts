// What one request may ask for and how much each caller may ask per minute.
// Document shape (aliases, depth, tokens, directives): graphql-armor validation rules, answered 400.
// Cost: graphql-query-complexity with our estimator (searches are expensive, pages multiply), answered 400.
// Rate: rate-limiter-flexible in Redis; each request consumes its cost from a per-minute budget per API key, user or
// client address, answered 429 with Retry-After and RateLimit-* headers.
import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import type { Principal } from "@earshot/auth";
import { DEFAULT_FIRST } from "@earshot/search";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { FastifyReply, FastifyRequest } from "fastify";
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getNamedType,
  isLeafType,
  type ValidationRule,
  visit,
} from "graphql";
import { type ComplexityEstimator, getComplexity } from "graphql-query-complexity";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { ApiDeps, Context } from "./context.ts";
import { ApiError } from "./errors.ts";

export const MAX_ALIASES = 20;
export const MAX_DEPTH = 10;
export const MAX_TOKENS = 2000;
export const MAX_DIRECTIVES = 20;
export const MAX_COST = 5000;
/** Fields that encode a query (embedder call) and/or run a vector or text search. */
export const SEARCH_FIELDS = new Set(["searchAudio", "similarAudio", "searchByExample", "suggestTags"]);
export const SEARCH_COST = 1000;
export const MAX_SEARCHES = 3;
/** Points one upload request (any number of files) consumes. */
export const UPLOAD_COST = 10;
export const DEFAULT_POINTS_PER_MINUTE = 60_000;
/** A tenant's budget is this many callers' budgets (all its keys and users together). */
export const TENANT_BUDGET_FACTOR = 3;

/** graphql-armor's document rules; their rejections are validation errors (400, GRAPHQL_VALIDATION_FAILED). */
export function documentRules(): ValidationRule[] {
  const { validationRules } = new ApolloArmor({
    maxAliases: { n: MAX_ALIASES },
    maxDepth: { n: MAX_DEPTH, ignoreIntrospection: true, flattenFragments: true },
    maxDirectives: { n: MAX_DIRECTIVES },
    // Token count: graphql-js's own parse option (parseOptions in server.ts); armor's Apollo plugin re-parses and
    // answers 500. Variable-dependent cost is measured per request below; armor's static cost knows no field is expensive.
    costLimit: { enabled: false },
    // Suggestions are removed in formatError, which also covers argument and enum-value suggestions.
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
  }).protect();
  return validationRules as ValidationRule[];
}

/**
 * Cost in points, roughly rows of work: an object field 1 plus its children (a scalar field 0, it comes with its row);
 * a connection multiplies its children by `first` (default 20); a search field costs SEARCH_COST for the embedder
 * call and the index scan (tens of milliseconds: a page of 100 rows takes a few). Aliases and fragment spreads count each
 * time they appear.
 */
export function measureCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): { cost: number; searches: number } {
  let searches = 0;
  const estimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
    const type = getNamedType(field.type);
    const connection = type.name.endsWith("Connection");
    const first = typeof args.first === "number" && args.first > 0 ? args.first : DEFAULT_FIRST;
    const own = SEARCH_FIELDS.has(field.name) ? SEARCH_COST : isLeafType(type) ? 0 : 1;
    if (SEARCH_FIELDS.has(field.name)) searches++;
    return own + (connection ? first : 1) * childComplexity;
  };
  try {
    const cost = getComplexity({ schema, query: document, variables, operationName, estimators: [estimator] });
    return { cost, searches };
  } catch (err) {
    // Bad variable values: the same answer execution would give.
    throw new ApiError("BAD_USER_INPUT", err instanceof Error ? err.message : String(err), {
      http: { status: 400 },
    });
  }
}

function invalidDocument(message: string, extra: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: "GRAPHQL_VALIDATION_FAILED", ...extra, http: { status: 400 } },
  });
}

/** PostgreSQL text cannot hold U+0000; refuse it in any string argument up front, with a clear message. */
export function rejectNul(document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  const nul = new ApiError("BAD_USER_INPUT", "strings must not contain the NUL character (U+0000)", {
    http: { status: 400 },
  });
  visit(document, {
    StringValue(node) {
      if (node.value.includes("\u0000")) throw nul;
    },
  });
  // Iterative: variable values may be nested arbitrarily deep (custom JSON).
  const stack: unknown[] = [variables];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.includes("\u0000")) throw nul;
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes("\u0000")) throw nul;
        stack.push(x);
      }
    }
  }
}

interface Limiters {
  points: number;
  callers: RateLimiterRedis;
  tenants: RateLimiterRedis;
  signInFails: RateLimiterRedis;
  signInWait: RateLimiterRedis;
}

const byDeps = new WeakMap<ApiDeps, Limiters>();

/** One set of limiters per server (deps); Redis down falls back to a per-process limit (rate-limiter-flexible). */
function limiters(deps: ApiDeps): Limiters {
  let l = byDeps.get(deps);
  if (l) return l;
  const prefix = `${deps.redisPrefix ?? "earshot"}:rl`;
  const points = deps.rateLimitPointsPerMinute ?? DEFAULT_POINTS_PER_MINUTE;
  const redis = (keyPrefix: string, opts: { points: number; duration: number; inMemoryBlockOnConsumed?: number }) =>
    new RateLimiterRedis({
      storeClient: deps.redis,
      keyPrefix: `${prefix}:${keyPrefix}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points: opts.points, duration: opts.duration }),
      ...opts,
    });
  l = {
    points,
    // A spent budget is also remembered in this process until its window ends: a caller that keeps sending
    // after a 429 is refused without a Redis round trip.
    callers: redis("points", { points, duration: 60, inMemoryBlockOnConsumed: points }),
    tenants: redis("tenant-points", {
      points: points * TENANT_BUDGET_FACTOR,
      duration: 60,
      inMemoryBlockOnConsumed: points * TENANT_BUDGET_FACTOR,
    }),
    // Counts failures (never refuses by itself); the wait limiter holds the growing delay.
    signInFails: redis("signin-fails", { points: 1_000_000, duration: SIGN_IN_FAILS_TTL_S }),
    signInWait: redis("signin-wait", { points: 1, duration: 1 }),
  };
  byDeps.set(deps, l);
  return l;
}

/** Who a request is charged to: the API key, the user, else the client address (through trusted proxies only). */
function callerKey(principal: Principal | null, ip: string): string {
  if (!principal) return `ip:${ip}`;
  return principal.kind === "apiKey" ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
}

/** RateLimit-* (IETF draft, separate fields) and, when refused, Retry-After. Values are whole seconds. */
function limitHeaders(limit: number, res: RateLimiterRes, refused: boolean): Array<[string, string]> {
  const resetS = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  const headers: Array<[string, string]> = [
    ["ratelimit-limit", String(limit)],
    ["ratelimit-remaining", String(Math.max(0, res.remainingPoints))],
    ["ratelimit-reset", String(resetS)],
  ];
  if (refused) headers.push(["retry-after", String(resetS)]);
  return headers;
}

function rateLimited(message: string, res: RateLimiterRes, headers: Array<[string, string]>): ApiError {
  return new ApiError("RATE_LIMITED", message, {
    retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    http: { status: 429, headers: new HeaderMap(headers) },
  });
}

/**
 * Takes `cost` points from the caller's budget for this minute, and from its tenant's (TENANT_BUDGET_FACTOR times
 * larger, so more API keys do not buy more capacity). Returns the caller's RateLimit headers; throws RATE_LIMITED
 * (429, Retry-After) when either budget cannot cover the request.
 */
export async function chargeRequest(
  deps: ApiDeps,
  principal: Principal | null,
  req: FastifyRequest,
  cost: number,
): Promise<Array<[string, string]>> {
  const l = limiters(deps);
  const points = Math.max(1, Math.ceil(cost));
  const refuse = (whose: string, limit: number, res: RateLimiterRes) =>
    rateLimited(
      `rate limit reached: this request costs ${points} of ${whose} ${limit} points a minute`,
      res,
      limitHeaders(limit, res, true),
    );
  const caller = await l.callers.consume(callerKey(principal, req.ip), points).catch((err: unknown) => {
    if (!(err instanceof RateLimiterRes)) throw err;
    rememberRefusal(deps, req, err.msBeforeNext);
    throw refuse("this caller's", l.points, err);
  });
  if (principal) {
    const tenantLimit = l.points * TENANT_BUDGET_FACTOR;
    await l.tenants.consume(principal.tenantId, points).catch((err: unknown) => {
      throw err instanceof RateLimiterRes ? refuse("this tenant's", tenantLimit, err) : err;
    });
  }
  return limitHeaders(l.points, caller, false);
}

// Callers that keep sending after a 429: answered before the principal lookup, parsing and costing, so a flood of
// refused requests costs little more than accepting the connection. Keyed by the credential as sent (or the client
// address), so nobody can get someone else refused; a changed credential just takes the normal path.
const refusals = new WeakMap<ApiDeps, Map<string, number>>();
const MAX_REMEMBERED = 100_000;

function credentialOf(req: FastifyRequest): string {
  return req.headers.authorization ?? req.headers.cookie ?? `ip:${req.ip}`;
}

function rememberRefusal(deps: ApiDeps, req: FastifyRequest, ms: number) {
  const m = refusals.get(deps) ?? new Map<string, number>();
  refusals.set(deps, m);
  if (m.size >= MAX_REMEMBERED) {
    const now = Date.now();
    for (const [k, until] of m) if (until <= now) m.delete(k);
    if (m.size >= MAX_REMEMBERED) m.clear();
  }
  m.set(credentialOf(req), Date.now() + ms);
}

/** Fastify onRequest hook for /graphql: 429 at once while this credential's budget is known to be spent. */
export function refuseSpentCallers(deps: ApiDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith("/graphql")) return;
    const until = refusals.get(deps)?.get(credentialOf(req));
    const ms = until ? until - Date.now() : 0;
    if (ms <= 0) return;
    const retryAfterS = Math.max(1, Math.ceil(ms / 1000));
    const points = limiters(deps).points;
    return reply
      .code(429)
      .headers({
        "retry-after": retryAfterS,
        "ratelimit-limit": points,
        "ratelimit-remaining": 0,
        "ratelimit-reset": retryAfterS,
      })
      .type("application/json; charset=utf-8")
      .send({
        errors: [
          {
            message: `rate limit reached: this caller's ${points} points a minute are spent`,
            extensions: { code: "RATE_LIMITED", retryAfterS },
          },
        ],
      });
  };
}

// Sign-in brute force: consecutive failures per (email, client) and per client. The first few are free, then each
// failure makes the next attempt wait twice as long. A success resets its (email, client) count only, so a victim
// signing in from elsewhere is never held up by an attacker's failures.
export const SIGN_IN_FREE_FAILS_PER_ACCOUNT = 5;
export const SIGN_IN_FREE_FAILS_PER_CLIENT = 30;
export const SIGN_IN_MAX_WAIT_S = 15 * 60;
const SIGN_IN_FAILS_TTL_S = 24 * 3600;

function signInKeys(email: string, ip: string) {
  return { account: `acct:${email.trim().toLowerCase()}:${ip}`, client: `ip:${ip}` };
}

/**
 * Runs one sign-in attempt (`attempt` answers the user, or null for wrong credentials) under the brute-force limits:
 * refused with 429 while this client, or this client for this account, is made to wait.
 */
export async function limitSignIn<T>(
  deps: ApiDeps,
  email: string,
  ip: string,
  attempt: () => Promise<T | null>,
): Promise<T | null> {
  const l = limiters(deps);
  const keys = signInKeys(email, ip);
  for (const key of [keys.account, keys.client]) {
    const res = await l.signInWait.get(key);
    if (res && res.consumedPoints > 1 && res.msBeforeNext > 0) {
      const headers: Array<[string, string]> = [["retry-after", String(Math.ceil(res.msBeforeNext / 1000))]];
      throw rateLimited("too many failed sign-ins from here; wait before trying again", res, headers);
    }
  }
  const user = await attempt();
  if (user) {
    await Promise.all([l.signInFails.delete(keys.account), l.signInWait.delete(keys.account)]);
    return user;
  }
  const free = { [keys.account]: SIGN_IN_FREE_FAILS_PER_ACCOUNT, [keys.client]: SIGN_IN_FREE_FAILS_PER_CLIENT };
  for (const [key, allowed] of Object.entries(free)) {
    const fails = (await l.signInFails.consume(key)).consumedPoints;
    if (fails > allowed) await l.signInWait.block(key, Math.min(SIGN_IN_MAX_WAIT_S, 2 ** (fails - allowed - 1)));
  }
  return null;
}

export function limitsPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request, contextValue, response }) {
          rejectNul(document, request.variables);
          const { cost, searches } = measureCost(schema, document, operationName ?? undefined, request.variables ?? {});
          if (searches > MAX_SEARCHES) {
            throw invalidDocument(`at most ${MAX_SEARCHES} search fields per request (this one has ${searches})`, {
              searches,
              maxSearches: MAX_SEARCHES,
            });
          }
          if (cost > MAX_COST) {
            throw invalidDocument(`query cost ${cost} exceeds ${MAX_COST}`, { cost, maxCost: MAX_COST });
          }
          const { deps, principal, request: req } = contextValue;
          for (const [name, value] of await chargeRequest(deps, principal, req, cost)) {
            response.http.headers.set(name, value);
          }
        },
      };
    },
  };
}
