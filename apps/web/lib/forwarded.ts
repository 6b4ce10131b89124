/**
 * X-Forwarded-For as a proxy passes it on: what earlier proxies said, then the address of whoever connected to us.
 * A browser can write anything into the header it sends, but never the last entry, which is the one the API takes
 * when this server is its only trusted proxy (TRUSTED_PROXIES); with a load balancer in front, trust that too.
 */
export function appendForwardedFor(existing: string | string[] | undefined, peer: string | undefined): string {
  const before = (Array.isArray(existing) ? existing.join(",") : (existing ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d.
  const address = (peer ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  return [...before, ...(address ? [address] : [])].join(", ");
}
