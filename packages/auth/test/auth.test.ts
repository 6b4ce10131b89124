import { describe, expect, it } from "vitest";
import {
  can,
  hashPassword,
  newApiKey,
  parseApiKey,
  scopesOfRole,
  signMediaPath,
  verifyMediaSignature,
  verifyPassword,
} from "../src/index.ts";

describe("auth primitives", () => {
  it("hashes passwords with scrypt and verifies them", async () => {
    const h = await hashPassword("correct horse");
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword("correct horse", h)).toBe(true);
    expect(await verifyPassword("Correct horse", h)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
    expect(await hashPassword("correct horse")).not.toBe(h);
  });

  it("makes API keys whose secret is only recoverable from the key text", () => {
    const k = newApiKey();
    const parsed = parseApiKey(k.key);
    expect(parsed).toMatchObject({ prefix: k.prefix });
    // The secret is base64url and may itself contain "_": take it from the parser, not from split("_").
    expect(parsed?.secret).toHaveLength(43);
    expect(k.hash).not.toContain(parsed?.secret);
    expect(parseApiKey("esk_xyz_abc")).toBeNull();
  });

  it("maps roles and scopes onto permissions", () => {
    const user = (role: "viewer" | "archivist" | "admin") =>
      ({ kind: "user", userId: "u", tenantId: "t", role, sessionId: "s" }) as const;
    expect(can(user("viewer"), "read")).toBe(true);
    expect(can(user("viewer"), "write")).toBe(false);
    expect(can(user("archivist"), "write")).toBe(true);
    expect(can(user("archivist"), "admin")).toBe(false);
    expect(can({ kind: "apiKey", apiKeyId: "k", tenantId: "t", scopes: ["search"] }, "write")).toBe(false);
    expect(can({ kind: "apiKey", apiKeyId: "k", tenantId: "t", scopes: ["search", "ingest"] }, "write")).toBe(true);
    expect(scopesOfRole("archivist")).toEqual(["search", "ingest"]);
  });

  it("signs media URLs bound to kind, asset, tenant and expiry", () => {
    const secret = "s".repeat(32);
    const claims = { kind: "audio" as const, assetId: "a1", tenantId: "t1", exp: 2_000_000_000 };
    const q = Object.fromEntries(new URL(signMediaPath(secret, claims), "http://x").searchParams);
    expect(verifyMediaSignature(secret, "audio", "a1", q, 1_900_000_000)).toMatchObject({ ok: true });
    expect(verifyMediaSignature(secret, "peaks", "a1", q, 1_900_000_000)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifyMediaSignature(secret, "audio", "a2", q, 1_900_000_000)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifyMediaSignature(secret, "audio", "a1", { ...q, t: "t2" }, 1_900_000_000)).toMatchObject({ ok: false });
    expect(verifyMediaSignature(secret, "audio", "a1", q, 2_100_000_000)).toEqual({ ok: false, reason: "expired" });
    expect(verifyMediaSignature(secret, "audio", "a1", {}, 0)).toEqual({ ok: false, reason: "bad_signature" });
  });
});
