// Row-level security as the API's own login role sees it: another tenant's rows and users' password hashes stay hidden.

import { addMembership, createUser } from "@earshot/auth";
import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase, type TestDatabase, withApiTenant } from "@earshot/db/testing";
import { seedTenant } from "@earshot/search/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

let db: TestDatabase;
let owner: Pool;
let api: Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  owner = createPool(db.ownerUrl);
  api = createPool(db.apiUrl);
});
afterAll(async () => {
  await owner.end();
  await api.end();
  await db.drop();
});

it("a tenant transaction sees only its members, without password hashes", async () => {
  const a = await seedTenant(owner, "alpha");
  const b = await seedTenant(owner, "beta");
  const ua = await createUser(api, { email: "a@example.org", name: "A", password: "password-a" });
  const ub = await createUser(api, { email: "b@example.org", name: "B", password: "password-b" });
  await addMembership(owner, a.id, ua.id, "admin");
  await addMembership(owner, b.id, ub.id, "admin");
  const seen = await withApiTenant(owner, api, a.id, async (c) => (await c.query("SELECT id, email FROM users")).rows);
  expect(seen).toEqual([{ id: ua.id, email: "a@example.org" }]);
  await expect(withApiTenant(owner, api, a.id, (c) => c.query("SELECT password_hash FROM users"))).rejects.toThrow(
    /permission denied/,
  );
});
