// Opaque secrets: session tokens, API keys, invitation and password-reset links. All are 256-bit random, so a fast SHA-256 is enough to store them
// (a slow hash protects low-entropy passwords, not random keys) and lookups stay cheap on every request.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: sha256Hex(token) };
}

/** A bare 256-bit token's text (43 base64url characters); anything else is refused before a lookup. */
export const isBareToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/**
 * Invitation link token: <tenant id, 22 base64url chars>.<256-bit secret>. The tenant travels in the link so the
 * lookup can run inside that tenant's row-level security (an id there is not a secret: it finds nothing alone).
 */
export function newInvitationToken(tenantId: string): { token: string; hash: string } {
  const tenant = Buffer.from(tenantId.replaceAll("-", ""), "hex").toString("base64url");
  const token = `${tenant}.${randomBytes(32).toString("base64url")}`;
  return { token, hash: sha256Hex(token) };
}

export function parseInvitationToken(token: string): { tenantId: string; hash: string } | null {
  const m = /^([A-Za-z0-9_-]{22})\.[A-Za-z0-9_-]{43}$/.exec(token);
  if (!m) return null;
  const hex = Buffer.from(m[1] as string, "base64url").toString("hex");
  if (hex.length !== 32) return null;
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { tenantId, hash: sha256Hex(token) };
}

/** API key text: esk_<prefix>_<secret>; the prefix (public, unique) finds the row, the secret is checked by hash. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { key: `esk_${prefix}_${secret}`, prefix, hash: sha256Hex(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = /^esk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
  return m ? { prefix: m[1] as string, secret: m[2] as string } : null;
}

export function hashMatches(secret: string, storedHex: string): boolean {
  const a = Buffer.from(sha256Hex(secret), "hex");
  const b = Buffer.from(storedHex, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
