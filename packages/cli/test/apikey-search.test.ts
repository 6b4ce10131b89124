// `earshot apikey create|revoke` and `earshot search` against a real database (`earshot user`: user.test.ts).
import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { seedAsset, seedTenant } from "@earshot/search/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEarshot } from "./cli.ts";

let db: TestDatabase;
let pool: Pool;

const earshot = (...args: string[]) =>
  runEarshot({ DATABASE_URL: db.url, EMBEDDER_URL: "http://127.0.0.1:9" }, ...args);

beforeAll(async () => {
  db = await createTestDatabase();
  // Fixtures as the owner; the CLI itself logs in as the worker's role (DATABASE_URL = db.url).
  pool = createPool(db.ownerUrl);
  const t = await seedTenant(pool, "cli-archive");
  await seedAsset(pool, t.id, { title: "Church bells ringing", tags: ["bells"] });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe("earshot apikey / search", () => {
  it("creates a key once and revokes it by prefix", async () => {
    const r = await earshot(
      "apikey",
      "create",
      "--tenant",
      "cli-archive",
      "--name",
      "partner",
      "--scopes",
      "search,ingest",
      "--json",
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.key).toMatch(new RegExp(`^esk_${out.prefix}_`));
    expect(out.scopes).toEqual(["search", "ingest"]);
    const bad = await earshot(
      "apikey",
      "create",
      "--tenant",
      "cli-archive",
      "--name",
      "x",
      "--scopes",
      "root",
      "--json",
    );
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe("BAD_USER_INPUT");
    const rv = await earshot("apikey", "revoke", out.prefix, "--json");
    expect(JSON.parse(rv.stdout)).toEqual({ id: out.id, revoked: true });
  });

  it("searches metadata", async () => {
    const r = await earshot("search", "bells", "--tenant", "cli-archive", "--mode", "metadata", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).hits.map((h: { title: string }) => h.title)).toEqual(["Church bells ringing"]);
  });
});
