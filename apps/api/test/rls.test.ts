// Row-level security as the application role sees it: another tenant's rows and users' password hashes stay hidden.

import { addMembership, createUser } from "@earshot/auth";
import { createPool, type Pool, withTenant } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { seedTenant } from "@earshot/search/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

it("a tenant transaction sees only its members, without password hashes", async () => {
  const a = await seedTenant(pool, "alpha");
  const b = await seedTenant(pool, "beta");
  const ua = await createUser(pool, { email: "a@example.org", name: "A", password: "password-a" });
  const ub = await createUser(pool, { email: "b@example.org", name: "B", password: "password-b" });
  await addMembership(pool, a.id, ua.id, "admin");
  await addMembership(pool, b.id, ub.id, "admin");
  const seen = await withTenant(pool, a.id, async (c) => (await c.query("SELECT id, email FROM users")).rows);
  expect(seen).toEqual([{ id: ua.id, email: "a@example.org" }]);
  await expect(withTenant(pool, a.id, (c) => c.query("SELECT password_hash FROM users"))).rejects.toThrow(
    /permission denied/,
  );
});
