// Row-level security as the API's own login role sees it: another tenant's rows and users' password hashes stay hidden.

import { addMembership, createUser } from "@earshot/auth";
import { createTestPools, type TestPools, withApiTenant } from "@earshot/db/testing";
import { seedTenant } from "@earshot/search/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

let t: TestPools;
beforeAll(async () => {
  t = await createTestPools();
});
afterAll(() => t.close());

it("a tenant transaction sees only its members, without password hashes", async () => {
  const a = await seedTenant(t.owner, "alpha");
  const b = await seedTenant(t.owner, "beta");
  const ua = await createUser(t.owner, { email: "a@example.org", name: "A", password: "password-a" });
  const ub = await createUser(t.owner, { email: "b@example.org", name: "B", password: "password-b" });
  await addMembership(t.owner, a.id, ua.id, "admin");
  await addMembership(t.owner, b.id, ub.id, "admin");
  const seen = await withApiTenant(
    t.owner,
    t.api,
    a.id,
    async (c) => (await c.query("SELECT id, email FROM users")).rows,
  );
  expect(seen).toEqual([{ id: ua.id, email: "a@example.org" }]);
  await expect(withApiTenant(t.owner, t.api, a.id, (c) => c.query("SELECT password_hash FROM users"))).rejects.toThrow(
    /permission denied/,
  );
});
