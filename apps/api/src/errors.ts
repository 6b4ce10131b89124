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
  const pg = err as { code?: string };
  // Postgres: invalid text representation (e.g. a malformed uuid) and check violations are the caller's input.
  if (pg?.code === "22P02") return badInput("malformed id or value");
  return null;
}

const PASS_THROUGH = new Set<string>(["UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "RATE_LIMITED"]);

/** Apollo formatError: maps every error onto our codes and strips internals. */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (err: unknown) => void,
): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  const known = toApiError(original);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (known) return { ...base, message: known.message, extensions: { ...known.extensions } };
  const code = String(formatted.extensions?.code ?? "");
  if (code === "GRAPHQL_PARSE_FAILED" || code === "GRAPHQL_VALIDATION_FAILED" || code === "BAD_USER_INPUT") {
    return { ...base, extensions: { code: "BAD_USER_INPUT" } };
  }
  if (PASS_THROUGH.has(code)) return { ...base, extensions: { code } };
  if (code === "PERSISTED_QUERY_NOT_FOUND" || code === "PERSISTED_QUERY_NOT_SUPPORTED") {
    return { ...base, extensions: { code: "BAD_USER_INPUT" } };
  }
  log(original);
  return { message: "internal error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
