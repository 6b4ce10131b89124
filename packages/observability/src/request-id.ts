// Request ids: one id per incoming request (accepted from `x-request-id` or generated), carried through
// async work with AsyncLocalStorage so logs, outgoing HTTP calls and enqueued jobs can name it.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Logger } from "@earshot/log";

export const REQUEST_ID_HEADER = "x-request-id";

// Bounded and printable so a client cannot inject log lines or huge values through the header.
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** True when a client-supplied id is safe to reuse (printable, at most 128 characters). */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === "string" && VALID_ID.test(value);
}

/** The id from an incoming header value when it is valid, otherwise a fresh UUID. */
export function requestIdFrom(headerValue: unknown): string {
  const value = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  return isValidRequestId(value) ? value : randomUUID();
}

/** The request id of the work running now, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `fn` with `requestId` as the current id (e.g. a worker processing a job that carries one). */
export function runWithRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return storage.run({ requestId: requestIdFrom(requestId) }, fn);
}

/** A child logger that puts the current request id on every line (the logger itself when there is none). */
export function withRequestId(logger: Logger, requestId = currentRequestId()): Logger {
  return requestId ? logger.child({ requestId }) : logger;
}

/** Headers with the current request id added, unless the caller already set one. */
export function requestIdHeaders(init?: ConstructorParameters<typeof Headers>[0]): Headers {
  const headers = new Headers(init);
  const id = currentRequestId();
  if (id && !headers.has(REQUEST_ID_HEADER)) headers.set(REQUEST_ID_HEADER, id);
  return headers;
}

/** `fetch` that forwards the current request id; use it for every service-to-service call. */
export function fetchWithRequestId(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return fetch(input, { ...init, headers: requestIdHeaders(init?.headers) });
}
