// `earshot user add|reset-link` against a real database: the operator hands out set-password links, never passwords,
// and a link works once.
import { createSession, resetPassword, sessionMemberships, signIn } from "@earshot/auth";
import { createTestPools, type TestPools } from "@earshot/db/testing";
import { seedTenant } from "@earshot/search/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEarshot } from "./cli.ts";

let t: TestPools;

// The CLI logs in as the worker's role (earshot_internal); links are opened through the API's role.
const earshot = (...args: string[]) =>
  runEarshot({ DATABASE_URL: t.db.url, WEB_ORIGIN: "https://earshot.example.org" }, ...args);
const signsIn = async (email: string, password: string) => (await signIn(t.api, email, password, 1))?.user ?? null;

const tokenOf = (link: string) => new URL(link).pathname.split("/reset/")[1] as string;

beforeAll(async () => {
  t = await createTestPools();
  await seedTenant(t.owner, "cli-archive");
});
afterAll(() => t.close());

describe("earshot user", () => {
  it("adds a new user with a set-password link (no password printed); the link works once", async () => {
    const r = await earshot("user", "add", "Ada@Example.org", "--tenant", "cli-archive", "--role", "admin", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ email: "ada@example.org", role: "admin", tenant: "cli-archive" });
    expect(out).not.toHaveProperty("password");
    expect(out.setPasswordLink.link).toMatch(/^https:\/\/earshot\.example\.org\/reset\/[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(out.setPasswordLink.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    // No password exists until the person sets one, so nothing anyone saw can sign in.
    expect(await signsIn("ada@example.org", "")).toBeNull();
    await resetPassword(t.api, tokenOf(out.setPasswordLink.link), "ada's own choice");
    expect(await signsIn("ada@example.org", "ada's own choice")).toMatchObject({ id: out.userId });
    await expect(resetPassword(t.api, tokenOf(out.setPasswordLink.link), "someone else's")).rejects.toMatchObject({
      reason: "invalid_token",
    });

    // An existing account is only added; it keeps its password and gets no link.
    await seedTenant(t.owner, "second-archive");
    const again = await earshot("user", "add", "ada@example.org", "--tenant", "second-archive", "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ userId: out.userId, role: "viewer", setPasswordLink: null });
    const plain = await earshot("user", "add", "bo@example.org", "--tenant", "cli-archive");
    expect(plain.stdout).toMatch(
      /^bo@example.org is viewer of cli-archive\nset-password link .*\nhttps:\/\/\S+\/reset\//,
    );
  }, 60_000);

  it("prints a single-use reset link that ends the user's sessions; an unknown email exits 1", async () => {
    const user = await signsIn("ada@example.org", "ada's own choice");
    const session = await createSession(t.owner, user?.id as string, 1);
    const r = await earshot("user", "reset-link", "ada@example.org", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ userId: user?.id, email: "ada@example.org" });
    await resetPassword(t.api, tokenOf(out.link), "a fresh password");
    expect(await sessionMemberships(t.api, session.token)).toBeNull();
    expect(await signsIn("ada@example.org", "ada's own choice")).toBeNull();
    await expect(resetPassword(t.api, tokenOf(out.link), "once more please")).rejects.toMatchObject({
      reason: "invalid_token",
    });

    const unknown = await earshot("user", "reset-link", "nobody@example.org", "--json");
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).error.code).toBe("USER_NOT_FOUND");
  }, 60_000);
});
