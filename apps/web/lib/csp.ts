// The UI's Content-Security-Policy (issue #18), sent by proxy.ts with a fresh nonce on every page.
//
// Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic'): Next.js marks its own
// inline bootstrap and chunk scripts with the nonce it finds in this header, and no page has any other script. So an
// injected <script> or event-handler attribute never runs. Styles: our CSS is same-origin files (CSS modules), but
// React renders style attributes (widths of progress bars and skeleton rows), which only 'unsafe-inline' permits;
// styles cannot run code. Everything else (fetch, audio, peaks, images) is same-origin: the UI reaches the API
// through its own /graphql and /v1 routes. No page may be framed, which X-Frame-Options DENY also says.
export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean } = {}): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // 'unsafe-eval' only for `next dev` (React's fast refresh); production never gets it.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(opts.dev ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...(opts.dev ? ["ws:"] : [])],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

/** Headers every answer of the UI carries (next.config.ts), pages and proxied API answers alike. */
export const SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Page URLs hold search terms: other origins learn nothing from a link followed out of the UI.
  { key: "Referrer-Policy", value: "same-origin" },
];
