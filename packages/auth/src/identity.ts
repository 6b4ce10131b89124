// Invitations, password changes and operator reset links (issue 18). No admin ever learns or sets another person's
// password: an invitation is a single-use, expiring link for one email, which the invitee opens to choose their own
// password (new email) or to prove the one they have (existing account). Only the SHA-256 of a link is stored.
import { type Pool, type PoolClient, withTenant, withTransaction } from "@earshot/db";
import { hashPassword, passwordProblem } from "./password.ts";
import type { Role } from "./permissions.ts";
import { normaliseEmail, passwordMatches, replacePassword, type UserRow } from "./store.ts";
import { isBareToken, newInvitationToken, newSessionToken, parseInvitationToken, sha256Hex } from "./tokens.ts";

/** invalid_token: malformed, unknown, used, revoked or expired, one answer for all (nothing to probe). */
export type IdentityFailure = "invalid_token" | "wrong_password" | "bad_input";

export class IdentityError extends Error {
  constructor(
    public readonly reason: IdentityFailure,
    message: string,
  ) {
    super(message);
    this.name = "IdentityError";
  }
}

export const invalidLink = () =>
  new IdentityError("invalid_token", "this link is not valid: it was already used, revoked, or has expired");

export interface InvitationRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export const INVITATION_COLUMNS = `i.id, i.email, i.name, i.role, i.created_at AS "createdAt",
  i.expires_at AS "expiresAt", i.accepted_at AS "acceptedAt", i.revoked_at AS "revokedAt"`;
export const PENDING_INVITATION = "i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()";

/** Where a person opens a token: the web UI's /invite/<token> or /reset/<token>. */
export function linkTo(webOrigin: string, kind: "invite" | "reset", token: string): string {
  return new URL(`/${kind}/${token}`, webOrigin).toString();
}

/**
 * Creates an invitation in the caller's tenant transaction (row-level security); the same email's earlier pending
 * invitations are revoked, so only the newest link works. It reads no global table, so neither its answer nor its
 * timing can depend on whether the email has an account anywhere.
 */
export async function createInvitation(
  c: PoolClient,
  tenantId: string,
  input: { email: string; name: string; role: Role; createdBy: string; ttlHours: number },
): Promise<{ invitation: InvitationRow; token: string }> {
  const email = normaliseEmail(input.email);
  const { token, hash } = newInvitationToken(tenantId);
  await c.query(`UPDATE invitations i SET revoked_at = now() WHERE i.email = $1 AND ${PENDING_INVITATION}`, [email]);
  const { rows } = await c.query<InvitationRow>(
    `INSERT INTO invitations AS i (tenant_id, email, name, role, token_hash, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7)) RETURNING ${INVITATION_COLUMNS}`,
    [tenantId, email, input.name, input.role, hash, input.createdBy, input.ttlHours * 3600],
  );
  return { invitation: rows[0] as InvitationRow, token };
}

export interface PendingInvitation extends InvitationRow {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
}

/** The pending invitation a link names; null for a malformed, unknown, used, revoked or expired one alike. */
export async function findInvitation(pool: Pool, token: string): Promise<PendingInvitation | null> {
  const parsed = parseInvitationToken(token);
  if (!parsed) return null;
  return withTenant(pool, parsed.tenantId, async (c) => {
    const { rows } = await c.query<PendingInvitation>(
      `SELECT ${INVITATION_COLUMNS}, t.id AS "tenantId", t.slug AS "tenantSlug", t.name AS "tenantName"
         FROM invitations i JOIN tenants t ON t.id = i.tenant_id
        WHERE i.token_hash = $1 AND ${PENDING_INVITATION}`,
      [parsed.hash],
    );
    return rows[0] ?? null;
  });
}

/** The account an email has, with its password hash (identity lookup, outside any tenant). */
async function accountOf(pool: Pool, email: string) {
  const { rows } = await pool.query<UserRow & { password_hash: string | null }>(
    "SELECT id, email, name, password_hash FROM users WHERE email = $1",
    [normaliseEmail(email)],
  );
  return rows[0] ?? null;
}

/** The id of the account an email has, or null (for the invitee's own page, never for the inviting admin). */
export async function accountIdOf(pool: Pool, email: string): Promise<string | null> {
  return (await accountOf(pool, email))?.id ?? null;
}

function checkNewPassword(password: string | null | undefined): string {
  const problem = passwordProblem(password ?? "");
  if (problem) throw new IdentityError("bad_input", problem);
  return password as string;
}

/**
 * Accepts an invitation. A new email gets an account with the password (and name) given here; an existing account
 * must prove itself with its password, or by being the signed-in user (sessionUserId). Only then is the membership
 * created, in the same transaction that uses the invitation up. An existing member keeps the role they have.
 */
export async function acceptInvitation(
  pool: Pool,
  input: { token: string; password?: string | null; name?: string | null; sessionUserId?: string | null },
): Promise<{ user: UserRow; tenantId: string; tenantSlug: string; role: Role }> {
  const inv = await findInvitation(pool, input.token);
  if (!inv) throw invalidLink();
  const account = await accountOf(pool, inv.email);
  let created: { name: string; hash: string } | null = null;
  if (account && account.id !== input.sessionUserId) {
    if (!input.password) {
      throw new IdentityError("wrong_password", `${inv.email} already has an account: enter its password to accept`);
    }
    if (!(await passwordMatches(input.password, account.password_hash))) {
      throw new IdentityError("wrong_password", `wrong password for ${inv.email}`);
    }
  } else if (!account) {
    const name = input.name?.trim() || inv.name || (inv.email.split("@")[0] as string);
    if (name.length > 200) throw new IdentityError("bad_input", "name must be at most 200 characters");
    created = { name, hash: await hashPassword(checkNewPassword(input.password)) };
  }
  return withTransaction(pool, async (c) => {
    let user: UserRow | undefined = account ? { id: account.id, email: account.email, name: account.name } : undefined;
    if (created) {
      const { rows } = await c.query<UserRow>(
        `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (email) DO NOTHING RETURNING id, email, name`,
        [inv.email, created.name, created.hash],
      );
      user = rows[0];
      // The account appeared meanwhile (another link for this email): it must now prove itself like any other.
      if (!user) throw new IdentityError("wrong_password", `${inv.email} already has an account: enter its password`);
    }
    const userId = (user as UserRow).id;
    // The rest is tenant data: as earshot_app under the invitation's tenant, exactly as withTenant does, in this
    // transaction so the account, the used-up invitation and the membership commit together or not at all.
    await c.query("SELECT set_config('earshot.tenant_id', $1, true)", [inv.tenantId]);
    await c.query("SET LOCAL ROLE earshot_app");
    const used = await c.query(
      `UPDATE invitations i SET accepted_at = now(), accepted_by = $2 WHERE i.id = $1 AND ${PENDING_INVITATION}`,
      [inv.id, userId],
    );
    if (used.rowCount !== 1) throw invalidLink();
    const { rows } = await c.query<{ role: Role }>(
      `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = memberships.role RETURNING role`,
      [inv.tenantId, userId, inv.role],
    );
    const role = (rows[0] as { role: Role }).role;
    return { user: user as UserRow, tenantId: inv.tenantId, tenantSlug: inv.tenantSlug, role };
  });
}

/** A set/reset-password link's token for the user (operators only: `earshot user reset-link`, `user add`). */
export async function createPasswordReset(
  pool: Pool,
  userId: string,
  ttlHours: number,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newSessionToken();
  const { rows } = await pool.query<{ expires_at: Date }>(
    `INSERT INTO password_resets (user_id, token_hash, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at`,
    [userId, hash, ttlHours * 3600],
  );
  return { token, expiresAt: (rows[0] as { expires_at: Date }).expires_at };
}

/** Sets the password a reset link is for; the link, every other one and every session of the user end. */
export async function resetPassword(pool: Pool, token: string, newPassword: string): Promise<UserRow> {
  const hash = sha256Hex(token);
  const pending = "token_hash = $1 AND used_at IS NULL AND expires_at > now()";
  // A cheap check first, so guessing tokens costs no password hashing.
  if (!isBareToken(token)) throw invalidLink();
  const found = await pool.query(`SELECT 1 FROM password_resets WHERE ${pending}`, [hash]);
  if (found.rowCount !== 1) throw invalidLink();
  const passwordHash = await hashPassword(checkNewPassword(newPassword));
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query<{ user_id: string }>(
      `UPDATE password_resets SET used_at = now() WHERE ${pending} RETURNING user_id`,
      [hash],
    );
    const userId = rows[0]?.user_id;
    if (!userId) throw invalidLink();
    await replacePassword(c, userId, passwordHash);
    const user = await c.query<UserRow>("SELECT id, email, name FROM users WHERE id = $1", [userId]);
    return user.rows[0] as UserRow;
  });
}

/** Changes a signed-in user's password; the current one is required. Ends every session of the user. */
export async function changePassword(pool: Pool, userId: string, currentPassword: string, newPassword: string) {
  const { rows } = await pool.query<{ password_hash: string | null }>("SELECT password_hash FROM users WHERE id = $1", [
    userId,
  ]);
  if (!(await passwordMatches(currentPassword, rows[0]?.password_hash))) {
    throw new IdentityError("wrong_password", "the current password is wrong");
  }
  const passwordHash = await hashPassword(checkNewPassword(newPassword));
  await withTransaction(pool, (c) => replacePassword(c, userId, passwordHash));
}
