// Identity lookups. Resolving a session or an API key necessarily happens before the tenant is known, so these few
// queries run as the pool's own login role, outside row-level security; they return only the caller's own rows.
// Everything tenant-owned after that goes through withTenant (RLS).
import { type Pool, type PoolClient, withTenant } from "@earshot/db";
import { hashPassword, verifyPassword } from "./password.ts";
import type { Principal, Role, Scope } from "./permissions.ts";
import { hashMatches, newApiKey, newSessionToken, parseApiKey, sha256Hex } from "./tokens.ts";

export interface UserRow {
  id: string;
  email: string;
  name: string;
}

export interface MembershipInfo {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  role: Role;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Without a password the user cannot sign in until they open a set-password link (createPasswordReset). */
export async function createUser(pool: Pool, input: { email: string; name: string; password?: string }) {
  const hash = input.password === undefined ? null : await hashPassword(input.password);
  const { rows } = await pool.query<UserRow>(
    "INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id, email, name",
    [normaliseEmail(input.email), input.name, hash],
  );
  return rows[0] as UserRow;
}

export async function findUserByEmail(pool: Pool, email: string): Promise<UserRow | null> {
  const { rows } = await pool.query<UserRow>("SELECT id, email, name FROM users WHERE email = $1", [
    normaliseEmail(email),
  ]);
  return rows[0] ?? null;
}

/** The user when email and password match; null otherwise (same answer for both, and similar time). */
export async function checkCredentials(pool: Pool, email: string, password: string): Promise<UserRow | null> {
  const { rows } = await pool.query<UserRow & { password_hash: string | null }>(
    "SELECT id, email, name, password_hash FROM users WHERE email = $1",
    [normaliseEmail(email)],
  );
  const row = rows[0];
  return (await passwordMatches(password, row?.password_hash)) && row
    ? { id: row.id, email: row.email, name: row.name }
    : null;
}
const DUMMY_HASH = await hashPassword("not a real password");

/**
 * Checks a password against a stored hash that may be missing (unknown user, or no password set yet): hashes
 * anyway, so response time does not reveal which emails exist or have a password.
 */
export async function passwordMatches(password: string, stored: string | null | undefined): Promise<boolean> {
  const ok = await verifyPassword(password, stored ?? DUMMY_HASH);
  return ok && stored != null;
}

/**
 * Stores a new password hash (hashed before the transaction: scrypt takes tens of ms) and ends everything the old
 * password gave: every session and every unused reset link.
 */
export async function replacePassword(c: PoolClient, userId: string, passwordHash: string) {
  await c.query("UPDATE users SET password_hash = $2 WHERE id = $1", [userId, passwordHash]);
  await c.query("DELETE FROM sessions WHERE user_id = $1", [userId]);
  await c.query("UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL", [userId]);
}

export async function membershipsOf(pool: Pool, userId: string): Promise<MembershipInfo[]> {
  const { rows } = await pool.query<MembershipInfo>(
    `SELECT m.tenant_id AS "tenantId", t.slug AS "tenantSlug", t.name AS "tenantName", m.role
       FROM memberships m JOIN tenants t ON t.id = m.tenant_id
      WHERE m.user_id = $1 ORDER BY m.created_at, t.slug`,
    [userId],
  );
  return rows;
}

/** Adds (or changes) a membership; tenant-scoped, so it runs under RLS. */
export async function addMembership(pool: Pool, tenantId: string, userId: string, role: Role) {
  await withTenant(pool, tenantId, (c) =>
    c.query(
      `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = excluded.role`,
      [tenantId, userId, role],
    ),
  );
}

export async function createSession(pool: Pool, userId: string, ttlHours: number) {
  const { token, hash } = newSessionToken();
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await pool.query("INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, $3)", [
    userId,
    hash,
    expiresAt,
  ]);
  return { token, expiresAt };
}

export async function findSession(pool: Pool, token: string): Promise<{ sessionId: string; userId: string } | null> {
  const { rows } = await pool.query<{ id: string; user_id: string }>(
    "SELECT id, user_id FROM sessions WHERE token_hash = $1 AND expires_at > now()",
    [sha256Hex(token)],
  );
  const row = rows[0];
  return row ? { sessionId: row.id, userId: row.user_id } : null;
}

export async function deleteSession(pool: Pool, token: string) {
  await pool.query("DELETE FROM sessions WHERE token_hash = $1", [sha256Hex(token)]);
}

/** Resolves a session token and tenant choice into a principal; null when the session or membership is gone. */
export async function sessionPrincipal(pool: Pool, token: string, tenantSlug: string | undefined) {
  const session = await findSession(pool, token);
  if (!session) return null;
  const memberships = await membershipsOf(pool, session.userId);
  const m = (tenantSlug && memberships.find((x) => x.tenantSlug === tenantSlug)) || memberships[0];
  if (!m) return null;
  const principal: Principal = {
    kind: "user",
    userId: session.userId,
    tenantId: m.tenantId,
    role: m.role,
    sessionId: session.sessionId,
  };
  return principal;
}

export interface ApiKeyRow {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const API_KEY_COLUMNS = `id, tenant_id AS "tenantId", name, prefix, scopes, created_at AS "createdAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

/** Creates a key in the tenant; the returned `key` text is the only time the secret exists outside the caller. */
export async function createApiKey(pool: Pool, tenantId: string, input: { name: string; scopes: Scope[] }) {
  const { key, prefix, hash } = newApiKey();
  const row = await withTenant(pool, tenantId, async (c) => {
    const { rows } = await c.query<ApiKeyRow>(
      `INSERT INTO api_keys (tenant_id, name, prefix, hash, scopes) VALUES ($1, $2, $3, $4, $5) RETURNING ${API_KEY_COLUMNS}`,
      [tenantId, input.name, prefix, hash, input.scopes],
    );
    return rows[0] as ApiKeyRow;
  });
  return { apiKey: row, key };
}

/** Resolves a bearer key into a principal; null for malformed, unknown, wrong or revoked keys. */
export async function apiKeyPrincipal(pool: Pool, bearer: string): Promise<Principal | null> {
  const parsed = parseApiKey(bearer);
  if (!parsed) return null;
  const { rows } = await pool.query<{
    id: string;
    tenant_id: string;
    hash: string;
    scopes: Scope[];
    last_used_at: Date | null;
  }>("SELECT id, tenant_id, hash, scopes, last_used_at FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL", [
    parsed.prefix,
  ]);
  const row = rows[0];
  if (!row || !hashMatches(parsed.secret, row.hash)) return null;
  // lastUsedAt at minute resolution: one write per key per minute, not per request.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await pool.query("UPDATE api_keys SET last_used_at = now() WHERE id = $1", [row.id]);
  }
  return { kind: "apiKey", apiKeyId: row.id, tenantId: row.tenant_id, scopes: row.scopes };
}
