import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/index.ts";

describe("loadConfig", () => {
  it("gives working defaults with nothing set", () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.API_PORT).toBe(4000);
    expect(c.REDIS_URL).toBe("redis://127.0.0.1:6379");
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names every invalid variable", () => {
    try {
      loadConfig({ DATABASE_URL: "mysql://x", API_PORT: "99999" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.join("\n")).toMatch(/DATABASE_URL: must start with postgres/);
      expect((err as ConfigError).problems.join("\n")).toMatch(/API_PORT/);
    }
  });
});
