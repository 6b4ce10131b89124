// Invitations, password change and reset (issue 18). Admins create invitation links and never see or set a password;
// the invitee opens the link (acceptInvitation), an operator's reset link sets a forgotten one (resetPassword).
import {
  acceptInvitation,
  changePassword,
  createInvitation,
  deleteSession,
  findInvitation,
  IdentityError,
  type IdentityFailure,
  INVITATION_COLUMNS,
  type InvitationRow,
  invalidLink,
  linkTo,
  type NewSession,
  normaliseEmail,
  PENDING_INVITATION,
  resetPassword,
  sessionMemberships,
} from "@earshot/auth";
import { checkId } from "@earshot/search";
import { type Context, requireAuth, requirePermission, tx } from "../context.ts";
import { ApiError, badInput, type ErrorCode, notFound } from "../errors.ts";
import type { InvitationResolvers, MutationResolvers, QueryResolvers } from "../generated/graphql.ts";
import { limitSignIn } from "../limits.ts";
import { SESSION_COOKIE, TENANT_COOKIE } from "../principal.ts";
import { actorLabel, roleOf, upper } from "./common.ts";

export function setSessionCookies(ctx: Context, token: string | null, tenantSlug: string | null, expires?: Date) {
  const opts = {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: ctx.deps.secureCookies ?? process.env.NODE_ENV === "production",
  };
  if (token) ctx.reply.setCookie(SESSION_COOKIE, token, { ...opts, expires });
  else ctx.reply.clearCookie(SESSION_COOKIE, opts);
  if (tenantSlug) ctx.reply.setCookie(TENANT_COOKIE, tenantSlug, { ...opts, expires });
  else ctx.reply.clearCookie(TENANT_COOKIE, opts);
}

/**
 * Signs this browser in with a session the database opened after checking a credential (sign-in, invitation,
 * password change), in that tenant; the session the browser had ends.
 */
export async function useSession(ctx: Context, session: NewSession, tenantSlug: string) {
  if (ctx.sessionToken) await deleteSession(ctx.deps.pool, ctx.sessionToken);
  setSessionCookies(ctx, session.token, tenantSlug, session.expiresAt);
}

export const sessionTtlH = (ctx: Context) => ctx.deps.sessionTtlH ?? 168;

const IDENTITY_CODES: Record<IdentityFailure, ErrorCode> = {
  invalid_token: "INVALID_TOKEN",
  wrong_password: "UNAUTHENTICATED",
  bad_input: "BAD_USER_INPUT",
};

function fromIdentity(err: unknown): never {
  if (err instanceof IdentityError) throw new ApiError(IDENTITY_CODES[err.reason], err.message);
  throw err;
}

/**
 * A password check other than signIn (accepting with an existing account, changing a password) under the same
 * brute-force limits, keyed by the account's email: a wrong password counts as a failed sign-in.
 */
async function limitPasswordCheck<T>(ctx: Context, email: string, attempt: () => Promise<T>): Promise<T> {
  let wrong: IdentityError | undefined;
  const result = await limitSignIn(ctx.deps, email, ctx.request.ip, () =>
    attempt().catch((err: unknown) => {
      if (!(err instanceof IdentityError && err.reason === "wrong_password")) throw err;
      wrong = err;
      return null;
    }),
  );
  if (result === null) throw wrong;
  return result;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export const identityQueries: Pick<QueryResolvers, "invitation"> = {
  invitation: async (_p, { token }, ctx) => {
    const inv = await findInvitation(ctx.deps.pool, token, ctx.sessionToken);
    return inv ?? fromIdentity(invalidLink());
  },
};

export const identityMutations: Pick<
  MutationResolvers,
  "inviteMember" | "revokeInvitation" | "acceptInvitation" | "changePassword" | "resetPassword"
> = {
  inviteMember: (_p, { input }, ctx) => {
    const p = requirePermission(ctx, "admin");
    const email = normaliseEmail(input.email);
    if (email.length > 320 || !EMAIL.test(email)) throw badInput("email is not a valid address");
    const name = (input.name ?? "").trim();
    if (name.length > 200) throw badInput("name must be at most 200 characters");
    return tx(ctx, "admin", async (c) => {
      // Row-level security shows only this tenant's members, whom the admin sees anyway: saying so leaks nothing.
      const member = await c.query("SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1", [
        email,
      ]);
      if (member.rowCount) throw badInput("this email is already a member; use setMemberRole");
      const { invitation, token } = await createInvitation(c, p.tenantId, {
        email,
        name,
        role: roleOf(input.role),
        createdBy: actorLabel(p),
        ttlHours: ctx.deps.invitationTtlH ?? 168,
      });
      return { invitation, link: linkTo(ctx.deps.webOrigin ?? "http://localhost:3000", "invite", token) };
    });
  },

  revokeInvitation: (_p, { id }, ctx) =>
    tx(ctx, "admin", async (c) => {
      const { rows } = await c.query<InvitationRow>(
        `UPDATE invitations i SET revoked_at = now() WHERE i.id = $1 AND ${PENDING_INVITATION}
         RETURNING ${INVITATION_COLUMNS}`,
        [checkId(id)],
      );
      return rows[0] ?? Promise.reject(notFound("pending invitation"));
    }),

  acceptInvitation: async (_p, { input }, ctx) => {
    const inv = (await findInvitation(ctx.deps.pool, input.token, ctx.sessionToken)) ?? fromIdentity(invalidLink());
    const accept = () =>
      acceptInvitation(ctx.deps.pool, inv, { ...input, sessionToken: ctx.sessionToken }, sessionTtlH(ctx));
    // A password proving an existing account is a sign-in attempt: its guesses share the sign-in limits.
    const needsPassword = inv.accountExists && !inv.signedInAsInvitee;
    const accepted = await (needsPassword ? limitPasswordCheck(ctx, inv.email, accept) : accept()).catch(fromIdentity);
    await useSession(ctx, accepted.session, accepted.tenantSlug);
    return { user: accepted.user, tenantId: accepted.tenantId, role: accepted.role };
  },

  changePassword: async (_p, { input }, ctx) => {
    const p = requireAuth(ctx);
    const token = ctx.sessionToken;
    const current = p.kind === "user" && token ? await sessionMemberships(ctx.deps.pool, token) : null;
    if (!current || !token) throw new ApiError("FORBIDDEN", "only a signed-in user has a password to change");
    const { email } = current.user;
    const fresh = await limitPasswordCheck(ctx, email, () =>
      changePassword(ctx.deps.pool, { token, email }, input.currentPassword, input.newPassword, sessionTtlH(ctx)),
    ).catch(fromIdentity);
    // Every session of the user ended, this one too: this browser alone has the fresh one, in the same tenant.
    const m = current.memberships.find((x) => x.tenantId === p.tenantId) ?? current.memberships[0];
    setSessionCookies(ctx, fresh.token, m?.tenantSlug ?? null, fresh.expiresAt);
    return true;
  },

  resetPassword: (_p, { input }, ctx) =>
    resetPassword(ctx.deps.pool, input.token, input.newPassword).catch(fromIdentity),
};

export const Invitation: InvitationResolvers = {
  role: (i) => upper(i.role),
  status: (i) =>
    i.acceptedAt ? "ACCEPTED" : i.revokedAt ? "REVOKED" : new Date(i.expiresAt) <= new Date() ? "EXPIRED" : "PENDING",
};
