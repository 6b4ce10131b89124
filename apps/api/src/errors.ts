// One set of error codes for GraphQL and the plain-HTTP endpoints; nothing else (no stack, no SQL) reaches clients.
import { SearchError } from "@earshot/search";
import { GraphQLError, type GraphQLFormattedError } from "graphql";

export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "INVALID_TOKEN"
  | "UNAVAILABLE"
  | "TOO_LARGE"
  | "RANGE_NOT_SATISFIABLE"
  | "INTERNAL_SERVER_ERROR";

export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INVALID_TOKEN: 400,
  UNAVAILABLE: 503,
  TOO_LARGE: 413,
  RANGE_NOT_SATISFIABLE: 416,
  INTERNAL_SERVER_ERROR: 500,
};

export class ApiError extends GraphQLError {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extra } });
    this.name = "ApiError";
  }
}

export const notFound = (what: string) => new ApiError("NOT_FOUND", `${what} not found`);
export const badInput = (message: string) => new ApiError("BAD_USER_INPUT", message);

/** Known library errors become ApiErrors; anything else is an internal error (logged, never shown). */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof SearchError) return new ApiError(err.code, err.message);
  const pg = err as { code?: unknown };
  // Postgres class 22 (data exception: malformed uuid or timestamp in a crafted cursor, NUL bytes, out-of-range
  // numbers) is always about a value the caller sent.
  if (typeof pg?.code === "string" && pg.code.startsWith("22")) return badInput("malformed id or value");
  return null;
}

/**
 * Codes that describe the caller's mistake or state, answered as they are: ours and Apollo's own
 * (parse/validation failures, persisted-query answers, malformed HTTP requests).
 */
export const CLIENT_CODES: ReadonlySet<string> = new Set<string>([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "RATE_LIMITED",
  "TOO_LARGE",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

/** graphql-js's "Did you mean ...?" hints (fields, arguments, types, enum values) reveal the schema. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** Apollo formatError: keeps client codes, strips internals, and hides suggestions when introspection is off. */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (err: unknown) => void,
  opts: { suggestions: boolean } = { suggestions: true },
): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  const known = toApiError(original);
  const text = known?.message ?? formatted.message;
  const message = opts.suggestions ? text : text.replace(SUGGESTION, "");
  const base = { message, locations: formatted.locations, path: formatted.path };
  if (known) {
    // extensions.http (status, headers) is Apollo's instruction for the response, not part of the body.
    const { http: _http, ...extensions } = known.extensions;
    return { ...base, extensions };
  }
  const code = String(formatted.extensions?.code ?? "");
  if (CLIENT_CODES.has(code)) return { ...base, extensions: { ...formatted.extensions, code } };
  // Apollo answers some request mistakes (a persisted-query hash that does not match its query) with a 4xx status
  // and no code of their own: they are the caller's, not internal errors.
  const status = (original as { extensions?: { http?: { status?: unknown } } })?.extensions?.http?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { ...base, extensions: { code: "BAD_REQUEST" } };
  }
  log(original);
  return { message: "internal error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
