// Short-lived signed media URLs: HMAC-SHA256 over kind, asset, tenant and expiry, so a URL works in <audio src>
// without cookies but cannot be moved to another asset or tenant, or extended.
import { createHmac, timingSafeEqual } from "node:crypto";

export type MediaKind = "audio" | "peaks";

export interface MediaClaims {
  kind: MediaKind;
  assetId: string;
  tenantId: string;
  /** Unix seconds. */
  exp: number;
}

function mac(secret: string, c: MediaClaims): string {
  return createHmac("sha256", secret).update(`${c.kind}\n${c.assetId}\n${c.tenantId}\n${c.exp}`).digest("base64url");
}

export function signMediaPath(secret: string, c: MediaClaims, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ t: c.tenantId, exp: String(c.exp), sig: mac(secret, c), ...extra });
  return `/v1/media/${c.kind}/${c.assetId}?${q}`;
}

export type MediaCheck = { ok: true; claims: MediaClaims } | { ok: false; reason: "expired" | "bad_signature" };

export function verifyMediaSignature(
  secret: string,
  kind: MediaKind,
  assetId: string,
  query: { t?: unknown; exp?: unknown; sig?: unknown },
  nowS = Math.floor(Date.now() / 1000),
): MediaCheck {
  if (typeof query.t !== "string" || typeof query.exp !== "string" || typeof query.sig !== "string") {
    return { ok: false, reason: "bad_signature" };
  }
  const exp = Number(query.exp);
  if (!Number.isInteger(exp)) return { ok: false, reason: "bad_signature" };
  const claims: MediaClaims = { kind, assetId, tenantId: query.t, exp };
  const expected = Buffer.from(mac(secret, claims));
  const given = Buffer.from(query.sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: "bad_signature" };
  if (exp < nowS) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}
