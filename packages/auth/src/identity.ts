// Invitations, password changes and operator reset links (issue 18). No admin ever learns or sets another person's
// password: an invitation is a single-use, expiring link for one email, which the invitee opens to choose their own
// password (new email) or to prove the one they have (existing account). Only the SHA-256 of a link is stored.
//
// Under the database login roles the API may not read password hashes, write users or sessions, or read reset links,
// so each flow below is one SECURITY DEFINER function (prisma/migrations/20261203500000_identity_under_roles) that
// checks the credential itself: the token's hash, a live session's hash, or the key the password derives under the
// stored salt (passwordKey, as at sign-in). Passwords are hashed here, never compared here.
import { holdTenantTicket, type Pool, type PoolClient } from "@earshot/db";
import { hashPassword, passwordProblem } from "./password.ts";
import type { Role } from "./permissions.ts";
import { newSession, normaliseEmail, passwordKey, type UserRow } from "./store.ts";
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

export interface PendingInvitation {
  id: string;
  email: string;
  name: string;
  role: Role;
  expiresAt: Date;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  /** The email has an account: accepting needs its password, or a session as that account. */
  accountExists: boolean;
  /** The session given is the invited account's. */
  signedInAsInvitee: boolean;
}

/** A session the database opened for a browser: the token goes into its cookie. */
export interface NewSession {
  token: string;
  expiresAt: Date;
}

const hashOf = (token: string | null | undefined) => (token ? sha256Hex(token) : null);

/**
 * The pending invitation a link names, as the page that opens it sees it (the token is the proof); null for a
 * malformed, unknown, used, revoked or expired one alike. sessionToken: the caller's, if signed in.
 */
export async function findInvitation(
  pool: Pool,
  token: string,
  sessionToken?: string | null,
): Promise<PendingInvitation | null> {
  if (!parseInvitationToken(token)) return null;
  const { rows } = await pool.query<PendingInvitation>(
    `SELECT id, email, name, role, expires_at AS "expiresAt", tenant_id AS "tenantId", tenant_slug AS "tenantSlug",
            tenant_name AS "tenantName", account_exists AS "accountExists",
            signed_in_as_invitee AS "signedInAsInvitee"
       FROM earshot_invitation_preview($1, $2)`,
    [sha256Hex(token), hashOf(sessionToken)],
  );
  return rows[0] ?? null;
}

function checkNewPassword(password: string | null | undefined): string {
  const problem = passwordProblem(password ?? "");
  if (problem) throw new IdentityError("bad_input", problem);
  return password as string;
}

/** Why the database refused an acceptance (earshot_accept_invitation's outcome), as the error the invitee sees. */
function acceptFailure(outcome: string | undefined, email: string): IdentityError {
  switch (outcome) {
    case "password_required":
      return new IdentityError("wrong_password", `${email} already has an account: enter its password to accept`);
    case "wrong_password":
      return new IdentityError("wrong_password", `wrong password for ${email}`);
    case "new_password_required":
      return new IdentityError("bad_input", "choose a password for the new account");
    default:
      return invalidLink();
  }
}

/**
 * Accepts an invitation (inv: findInvitation's answer for the token) and opens a session. A new email gets an
 * account with the password (and name) given here; an existing account must prove itself with its password, or by
 * being the signed-in session (sessionToken). The database checks that proof, creates the account, uses the
 * invitation up, adds the membership (an existing member keeps their role) and opens the session in one transaction,
 * and hands back a ticket for the tenant.
 */
export async function acceptInvitation(
  pool: Pool,
  inv: PendingInvitation,
  input: { token: string; password?: string | null; name?: string | null; sessionToken?: string | null },
  ttlHours: number,
): Promise<{ user: UserRow; tenantId: string; tenantSlug: string; role: Role; session: NewSession }> {
  let key: string | null = null;
  let created: { name: string; hash: string } | null = null;
  if (inv.accountExists && !inv.signedInAsInvitee) {
    if (!input.password) throw acceptFailure("password_required", inv.email);
    key = await passwordKey(pool, inv.email, input.password);
  } else if (!inv.accountExists) {
    const name = input.name?.trim() || inv.name || (inv.email.split("@")[0] as string);
    if (name.length > 200) throw new IdentityError("bad_input", "name must be at most 200 characters");
    created = { name, hash: await hashPassword(checkNewPassword(input.password)) };
  }
  const session = newSession(ttlHours);
  const { rows } = await pool.query<{
    outcome: string;
    user_id: string;
    email: string;
    name: string;
    tenant_id: string;
    tenant_slug: string;
    role: Role;
    ticket: string;
  }>("SELECT * FROM earshot_accept_invitation($1, $2, $3, $4, $5, $6, $7)", [
    sha256Hex(input.token),
    hashOf(input.sessionToken),
    key,
    created?.hash ?? null,
    created?.name ?? null,
    session.hash,
    session.expiresAt,
  ]);
  const r = rows[0];
  if (r?.outcome !== "accepted") throw acceptFailure(r?.outcome, inv.email);
  holdTenantTicket(r.tenant_id, r.ticket);
  return {
    user: { id: r.user_id, email: r.email, name: r.name },
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    role: r.role,
    session: { token: session.token, expiresAt: session.expiresAt },
  };
}

/**
 * A set/reset-password link's token for the user (operators only: `earshot user reset-link`, `user add`; the
 * database grants this to the CLI's role, not the API's).
 */
export async function createPasswordReset(
  pool: Pool,
  userId: string,
  ttlHours: number,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newSessionToken();
  const { rows } = await pool.query<{ e: Date | null }>("SELECT earshot_issue_password_reset($1, $2, $3) AS e", [
    userId,
    hash,
    Math.round(ttlHours * 3600),
  ]);
  const expiresAt = rows[0]?.e;
  if (!expiresAt) throw new IdentityError("bad_input", "no such user");
  return { token, expiresAt };
}

/** Sets the password a reset link is for; the link, every other one and every session of the user end. */
export async function resetPassword(pool: Pool, token: string, newPassword: string): Promise<{ email: string }> {
  if (!isBareToken(token)) throw invalidLink();
  const hash = sha256Hex(token);
  // A cheap check first, so guessing tokens costs no password hashing.
  const { rows: pending } = await pool.query<{ ok: boolean }>("SELECT earshot_password_reset_pending($1) AS ok", [
    hash,
  ]);
  if (!pending[0]?.ok) throw invalidLink();
  const passwordHash = await hashPassword(checkNewPassword(newPassword));
  const { rows } = await pool.query<{ email: string }>("SELECT * FROM earshot_reset_password($1, $2)", [
    hash,
    passwordHash,
  ]);
  return rows[0] ?? Promise.reject(invalidLink());
}

/**
 * Changes the password of a signed-in session's user (session: its token and the user's email); the current one is
 * required (its key is compared by the database). Every session of the user and every unused reset link end, and
 * the same transaction opens one fresh session, for the browser that asked.
 */
export async function changePassword(
  pool: Pool,
  session: { token: string; email: string },
  currentPassword: string,
  newPassword: string,
  ttlHours: number,
): Promise<NewSession> {
  checkNewPassword(newPassword);
  const key = await passwordKey(pool, session.email, currentPassword);
  const passwordHash = await hashPassword(newPassword);
  const fresh = newSession(ttlHours);
  const { rows } = await pool.query<{ ok: boolean }>("SELECT earshot_change_password($1, $2, $3, $4, $5) AS ok", [
    sha256Hex(session.token),
    key,
    passwordHash,
    fresh.hash,
    fresh.expiresAt,
  ]);
  if (!rows[0]?.ok) throw new IdentityError("wrong_password", "the current password is wrong");
  return { token: fresh.token, expiresAt: fresh.expiresAt };
}
