// Identity through the database's definer functions, as the API's own login role sees it: every flow works, and SQL
// the API could be tricked into running gets no password hash, reset link, account or session without the credential.
import { withTenant } from "@earshot/db";
import { createTestPools, type TestPools } from "@earshot/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  addMembership,
  changePassword,
  createInvitation,
  createPasswordReset,
  createUser,
  findInvitation,
  hashPassword,
  newSessionToken,
  passwordKey,
  resetPassword,
  sessionMemberships,
  sha256Hex,
  signIn,
} from "../src/index.ts";

let t: TestPools;
beforeAll(async () => {
  t = await createTestPools();
});
afterAll(() => t.close());

async function tenant(slug: string): Promise<string> {
  const { rows } = await t.owner.query("INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id", [slug]);
  return rows[0].id;
}

/** An invitation link to the tenant, made by the worker's role (any tenant; the API makes them under a ticket). */
async function invitation(tenantId: string, email: string) {
  return withTenant(t.worker, tenantId, (c) =>
    createInvitation(c, tenantId, { email, name: "", role: "admin", createdBy: "test", ttlHours: 1 }),
  );
}

const membersOf = async (tenantId: string) =>
  (
    await t.owner.query<{ email: string; role: string }>(
      "SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1",
      [tenantId],
    )
  ).rows;

describe("identity store under the API's login", () => {
  it("signs in with the password only, and a password change needs the old one and ends every session", async () => {
    const tenantId = await tenant("ids");
    const user = await createUser(t.owner, { email: "Ida@Example.org", name: "Ida", password: "first password" });
    await addMembership(t.owner, tenantId, user.id, "viewer");

    expect(await signIn(t.api, "ida@example.org", "wrong password", 1)).toBeNull();
    expect(await signIn(t.api, "nobody@example.org", "first password", 1)).toBeNull();
    const s = await signIn(t.api, " IDA@example.org", "first password", 1);
    expect(s?.user).toEqual({ id: user.id, email: "ida@example.org", name: "Ida" });
    const other = await signIn(t.api, "ida@example.org", "first password", 1);
    const session = await sessionMemberships(t.api, s!.token);
    expect(session?.memberships).toMatchObject([{ tenantSlug: "ids", role: "viewer" }]);

    const mine = { token: s!.token, email: "ida@example.org" };
    await expect(changePassword(t.api, mine, "not the old one", "second password", 1)).rejects.toMatchObject({
      reason: "wrong_password",
    });
    expect(await sessionMemberships(t.api, s!.token)).not.toBeNull();
    const fresh = await changePassword(t.api, mine, "first password", "second password", 1);
    for (const gone of [s!.token, other!.token]) expect(await sessionMemberships(t.api, gone)).toBeNull();
    expect((await sessionMemberships(t.api, fresh.token))?.user.id).toBe(user.id);
    expect(await signIn(t.api, "ida@example.org", "first password", 1)).toBeNull();
    expect(await signIn(t.api, "ida@example.org", "second password", 1)).not.toBeNull();
  });

  it("accepts an invitation and resets a password only through the functions that check the token", async () => {
    const tenantId = await tenant("flows");
    const inv = await invitation(tenantId, "new@example.org");
    const preview = await findInvitation(t.api, inv.token);
    expect(preview).toMatchObject({ email: "new@example.org", accountExists: false, tenantId });
    const accepted = await acceptInvitation(t.api, preview!, { token: inv.token, password: "a long new password" }, 1);
    expect(accepted).toMatchObject({ tenantId, role: "admin", user: { email: "new@example.org" } });
    expect((await sessionMemberships(t.api, accepted.session.token))?.memberships).toMatchObject([{ tenantId }]);
    expect(await membersOf(tenantId)).toEqual([{ email: "new@example.org", role: "admin" }]);

    const reset = await createPasswordReset(t.worker, accepted.user.id, 1);
    expect(await resetPassword(t.api, reset.token, "reset by the link")).toEqual({ email: "new@example.org" });
    expect(await sessionMemberships(t.api, accepted.session.token)).toBeNull();
    await expect(resetPassword(t.api, reset.token, "and once again")).rejects.toMatchObject({
      reason: "invalid_token",
    });
  });
});

describe("what SQL run as the API's role cannot do (a compromised or injected API process)", () => {
  it("no password hash, no write to users or sessions, no reset link, no account lookup or creation", async () => {
    const tenantId = await tenant("attack");
    const victim = await createUser(t.owner, { email: "victim@example.org", name: "V", password: "victim's secret" });
    await addMembership(t.owner, tenantId, victim.id, "admin");
    await createPasswordReset(t.owner, victim.id, 1);
    const { hash } = newSessionToken();
    for (const sql of [
      "SELECT password_hash FROM users",
      `UPDATE users SET password_hash = '${await hashPassword("attacker's")}'`,
      `INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ('${victim.id}', '${hash}', now() + interval '1 day')`,
      "DELETE FROM sessions",
      "SELECT * FROM password_resets",
      `INSERT INTO password_resets (user_id, token_hash, expires_at) VALUES ('${victim.id}', '${hash}', now() + interval '1 day')`,
      `SELECT earshot_issue_password_reset('${victim.id}', '${hash}', 3600)`,
      "SELECT * FROM earshot_user_by_email('victim@example.org')",
      "SELECT * FROM earshot_create_user('squat@example.org', 'S', NULL)",
      `SELECT earshot_replace_password('${victim.id}', '${await hashPassword("attacker's")}')`,
      `INSERT INTO memberships (tenant_id, user_id, role) VALUES ('${tenantId}', '${victim.id}', 'admin')`,
    ]) {
      await expect(t.api.query(sql), sql).rejects.toThrow(/permission denied|violates row-level security/);
    }
    // Without a ticket the tenant's invitations are not there at all (forced row-level security).
    await invitation(tenantId, "someone@example.org");
    expect((await t.api.query("SELECT * FROM invitations")).rowCount).toBe(0);
  });

  it("the definer functions refuse a wrong key, another account's session, or a guessed token", async () => {
    const tenantId = await tenant("guard");
    await createUser(t.owner, { email: "owner@example.org", name: "O", password: "the owner's own" });
    const intruder = await createUser(t.owner, { email: "intruder@example.org", name: "I", password: "intruder's" });
    await addMembership(t.owner, tenantId, intruder.id, "viewer");
    const intruderSession = await signIn(t.api, "intruder@example.org", "intruder's", 1);
    const inv = await invitation(tenantId, "owner@example.org");
    const wrongKey = await passwordKey(t.api, "owner@example.org", "a guess");
    const { hash: newSession } = newSessionToken();
    const accept = (sessionHash: string | null, key: string | null, newHash: string | null) =>
      t.api.query<{ outcome: string }>(
        "SELECT outcome FROM earshot_accept_invitation($1, $2, $3, $4, 'x', $5, now() + interval '1 day')",
        [sha256Hex(inv.token), sessionHash, key, newHash, newSession],
      );
    // The existing account's password, not a new one, and not the signed-in intruder.
    const squat = await hashPassword("the intruder's choice");
    expect((await accept(null, null, squat)).rows[0]?.outcome).toBe("password_required");
    expect((await accept(null, wrongKey, null)).rows[0]?.outcome).toBe("wrong_password");
    expect((await accept(sha256Hex(intruderSession!.token), null, null)).rows[0]?.outcome).toBe("password_required");
    expect((await accept(null, "", null)).rows[0]?.outcome).toBe("wrong_password");
    // A token hash that is not a pending invitation.
    const guessed = await t.api.query<{ outcome: string }>(
      "SELECT outcome FROM earshot_accept_invitation($1, NULL, NULL, $2, 'x', $3, now() + interval '1 day')",
      [sha256Hex("guessed"), squat, newSession],
    );
    expect(guessed.rows[0]?.outcome).toBe("invalid_token");
    expect(await membersOf(tenantId)).toEqual([{ email: "intruder@example.org", role: "viewer" }]);

    // Changing a password needs the session and the old key; resetting needs a pending link.
    const changed = await t.api.query<{ ok: boolean }>(
      "SELECT earshot_change_password($1, $2, $3, $4, now() + interval '1 day') AS ok",
      [sha256Hex(intruderSession!.token), wrongKey, squat, newSession],
    );
    expect(changed.rows[0]?.ok).toBe(false);
    expect((await t.api.query("SELECT * FROM earshot_reset_password($1, $2)", [sha256Hex("x"), squat])).rowCount).toBe(
      0,
    );
    expect(await signIn(t.api, "owner@example.org", "the owner's own", 1)).not.toBeNull();
    expect(await signIn(t.api, "owner@example.org", "the intruder's choice", 1)).toBeNull();
  });
});
