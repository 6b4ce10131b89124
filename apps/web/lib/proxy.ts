import { apiOrigin } from "./api-origin.ts";
import { SECURITY_HEADERS } from "./csp.ts";

// Request headers the API needs; everything else (e.g. Next's own headers) stays here.
const FORWARD_REQUEST = [
  "accept",
  "authorization",
  "content-type",
  "content-length",
  "cookie",
  "if-none-match",
  "if-modified-since",
  "if-range",
  "range",
  "user-agent",
  "x-earshot-csrf",
  "x-request-id",
];
// Hop-by-hop headers must not be copied; content-encoding/length are dropped when fetch decoded the body. The UI
// sets its own security headers on every answer (next.config.ts): the API's copies would make them double.
const DROP_RESPONSE = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  ...SECURITY_HEADERS.map((h) => h.key.toLowerCase()),
]);

/**
 * Streams a request to the API and its answer back, so the browser only ever talks to this origin
 * (the session cookie stays first-party). Bodies are streamed both ways: uploads are not buffered here.
 */
export async function proxyToApi(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers();
  for (const name of FORWARD_REQUEST) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set("x-forwarded-proto", request.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", ""));
  headers.set("x-forwarded-host", request.headers.get("x-forwarded-host") ?? url.host);
  const forwardedFor = request.headers.get("x-forwarded-for");
  if (forwardedFor) headers.set("x-forwarded-for", forwardedFor);

  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  let upstream: Response;
  try {
    upstream = await fetch(`${apiOrigin()}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      redirect: "manual",
      signal: request.signal,
      // Required by Node's fetch to stream a request body.
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
  } catch {
    return Response.json(
      { error: { code: "UNAVAILABLE", message: "The Earshot API is not reachable. Is it running?" } },
      { status: 503 },
    );
  }

  const out = new Headers();
  const decoded = upstream.headers.has("content-encoding");
  upstream.headers.forEach((value, name) => {
    if (DROP_RESPONSE.has(name) || name === "set-cookie") return;
    if (decoded && (name === "content-encoding" || name === "content-length")) return;
    out.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) out.append("set-cookie", cookie);
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: out });
}
