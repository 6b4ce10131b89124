// Identity lookups. Resolving a session or an API key happens before the tenant is known, so these go through the
// database's SECURITY DEFINER functions (prisma/migrations/20261203200000_database_login_roles): each checks the
// credential itself and returns only the caller's own rows, with a ticket that lets withTenant enter the tenant.
// Everything tenant-owned after that goes through withTenant (RLS).
import { holdTenantTicket, type Pool, withTenant } from "@earshot/db";
import { derivedKey, hashPassword } from "./password.ts";
import type { Principal, Role, Scope } from "./permissions.ts";
import { newApiKey, newSessionToken, parseApiKey, sha256Hex } from "./tokens.ts";

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

/**
 * Creates an account (the operator's CLI and tests: the API's role may not). Without a password the user cannot sign
 * in until they open a set-password link (createPasswordReset).
 */
export async function createUser(pool: Pool, input: { email: string; name: string; password?: string }) {
  const hash = input.password === undefined ? null : await hashPassword(input.password);
  const { rows } = await pool.query<UserRow>("SELECT * FROM earshot_create_user($1, $2, $3)", [
    normaliseEmail(input.email),
    input.name,
    hash,
  ]);
  return rows[0] as UserRow;
}

export async function findUserByEmail(pool: Pool, email: string): Promise<UserRow | null> {
  const { rows } = await pool.query<UserRow>("SELECT * FROM earshot_user_by_email($1)", [normaliseEmail(email)]);
  return rows[0] ?? null;
}

/**
 * The key a password derives under the email's stored scrypt salt and parameters (the database hands out a stable
 * fake salt for unknown emails and accounts without a password, so the answer and its time do not tell them apart),
 * base64url, for a definer function to compare with the stored key. The application never reads a password hash.
 */
export async function passwordKey(pool: Pool, email: string, password: string): Promise<string | null> {
  const { rows } = await pool.query<{ p: string }>("SELECT earshot_password_params($1) AS p", [normaliseEmail(email)]);
  return (await derivedKey(password, rows[0]?.p ?? ""))?.toString("base64url") ?? null;
}

/** A new session token, its hash (what the database stores) and its expiry. */
export function newSession(ttlHours: number) {
  return { ...newSessionToken(), expiresAt: new Date(Date.now() + ttlHours * 3600_000) };
}

/**
 * Signs in: the database creates the session only when the key the password derives matches the stored one, so the
 * application cannot create a session without the password. Null when the email and password do not match (same
 * answer for both, and similar time).
 */
export async function signIn(pool: Pool, email: string, password: string, ttlHours: number) {
  const address = normaliseEmail(email);
  const key = await passwordKey(pool, address, password);
  if (!key) return null;
  const { token, hash, expiresAt } = newSession(ttlHours);
  const { rows } = await pool.query<UserRow>("SELECT * FROM earshot_sign_in($1, $2, $3, $4)", [
    address,
    key,
    hash,
    expiresAt,
  ]);
  return rows[0] ? { user: rows[0], token, expiresAt } : null;
}

export interface SessionInfo {
  sessionId: string;
  user: UserRow;
  memberships: MembershipInfo[];
}

/** The unexpired session behind a token, its user and memberships; holds a ticket for each of its tenants. */
export async function sessionMemberships(pool: Pool, token: string): Promise<SessionInfo | null> {
  const { rows } = await pool.query<{
    session_id: string;
    user_id: string;
    email: string;
    name: string;
    tenant_id: string | null;
    tenant_slug: string;
    tenant_name: string;
    role: Role;
    ticket: string | null;
  }>("SELECT * FROM earshot_session_memberships($1)", [sha256Hex(token)]);
  const first = rows[0];
  if (!first) return null;
  const memberships: MembershipInfo[] = [];
  for (const r of rows) {
    if (!r.tenant_id) continue;
    holdTenantTicket(r.tenant_id, r.ticket);
    memberships.push({ tenantId: r.tenant_id, tenantSlug: r.tenant_slug, tenantName: r.tenant_name, role: r.role });
  }
  return {
    sessionId: first.session_id,
    user: { id: first.user_id, email: first.email, name: first.name },
    memberships,
  };
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

/** A session for a user, created directly: the owner's and tests' way (the API signs in through signIn). */
export async function createSession(pool: Pool, userId: string, ttlHours: number) {
  const { token, hash, expiresAt } = newSession(ttlHours);
  await pool.query("INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, $3)", [
    userId,
    hash,
    expiresAt,
  ]);
  return { token, expiresAt };
}

export async function deleteSession(pool: Pool, token: string) {
  await pool.query("SELECT earshot_end_session($1)", [sha256Hex(token)]);
}

/** Resolves a session token and tenant choice into a principal; null when the session or membership is gone. */
export async function sessionPrincipal(pool: Pool, token: string, tenantSlug: string | undefined) {
  const session = await sessionMemberships(pool, token);
  if (!session) return null;
  const { memberships } = session;
  const m = (tenantSlug && memberships.find((x) => x.tenantSlug === tenantSlug)) || memberships[0];
  if (!m) return null;
  const principal: Principal = {
    kind: "user",
    userId: session.user.id,
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
  // The database compares the hash and marks the key used (at most once a minute).
  const { rows } = await pool.query<{ id: string; tenant_id: string; scopes: Scope[]; ticket: string }>(
    "SELECT * FROM earshot_api_key_principal($1, $2)",
    [parsed.prefix, sha256Hex(parsed.secret)],
  );
  const row = rows[0];
  if (!row) return null;
  holdTenantTicket(row.tenant_id, row.ticket);
  return { kind: "apiKey", apiKeyId: row.id, tenantId: row.tenant_id, scopes: row.scopes };
}
