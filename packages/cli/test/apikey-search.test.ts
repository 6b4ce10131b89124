// `earshot apikey create|revoke`, `earshot user add` and `earshot search` against a real database.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { seedAsset, seedTenant } from "@earshot/search/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
let db: TestDatabase;
let pool: Pool;

async function earshot(...args: string[]) {
  try {
    const { stdout } = await run("node", ["--import", "tsx", "packages/cli/src/main.ts", ...args], {
      env: { ...process.env, DATABASE_URL: db.url, EMBEDDER_URL: "http://127.0.0.1:9" },
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

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

describe("earshot apikey / user / search", () => {
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

  it("adds a user who can then sign in (password printed once)", async () => {
    const r = await earshot("user", "add", "ada@example.org", "--tenant", "cli-archive", "--role", "admin", "--json");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ email: "ada@example.org", role: "admin", tenant: "cli-archive" });
    expect(out.password.length).toBeGreaterThan(10);
  });

  it("searches metadata", async () => {
    const r = await earshot("search", "bells", "--tenant", "cli-archive", "--mode", "metadata", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).hits.map((h: { title: string }) => h.title)).toEqual(["Church bells ringing"]);
  });
});
