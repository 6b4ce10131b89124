// Identity through the database's definer functions, as the API's own login role sees it.
import { createTestPools, type TestPools } from "@earshot/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMembership, changePassword, createUser, sessionMemberships, signIn } from "../src/index.ts";

let t: TestPools;
beforeAll(async () => {
  t = await createTestPools();
});
afterAll(() => t.close());

describe("identity store under the API's login", () => {
  it("signs in with the password only, and a password change needs the old one and ends every session", async () => {
    const { rows } = await t.owner.query("INSERT INTO tenants (slug, name) VALUES ('ids', 'Ids') RETURNING id");
    const user = await createUser(t.api, { email: "Ida@Example.org", name: "Ida", password: "first password" });
    await addMembership(t.owner, rows[0].id, user.id, "viewer");

    expect(await signIn(t.api, "ida@example.org", "wrong password", 1)).toBeNull();
    expect(await signIn(t.api, "nobody@example.org", "first password", 1)).toBeNull();
    const s = await signIn(t.api, " IDA@example.org", "first password", 1);
    expect(s?.user).toEqual({ id: user.id, email: "ida@example.org", name: "Ida" });
    const session = await sessionMemberships(t.api, s!.token);
    expect(session?.memberships).toMatchObject([{ tenantSlug: "ids", role: "viewer" }]);

    expect(await changePassword(t.api, "ida@example.org", "not the old one", "second password")).toBe(false);
    expect(await sessionMemberships(t.api, s!.token)).not.toBeNull();
    expect(await changePassword(t.api, "ida@example.org", "first password", "second password")).toBe(true);
    expect(await sessionMemberships(t.api, s!.token)).toBeNull();
    expect(await signIn(t.api, "ida@example.org", "first password", 1)).toBeNull();
    expect(await signIn(t.api, "ida@example.org", "second password", 1)).not.toBeNull();
  });
});
