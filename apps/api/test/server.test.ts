import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./harness.ts";

describe("api server", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("answers /healthz", async () => {
    const res = await h.app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("answers a GraphQL { __typename }", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json" },
      payload: { query: "{ __typename }" },
    });
    expect(res.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("answers CORS preflights for the web origin with credentials", async () => {
    const res = await h.app.inject({
      method: "OPTIONS",
      url: "/graphql",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(res.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
  });

  it("has committed resolver types generated from the current schema", async () => {
    // The generated file embeds every field name; a schema edit without `pnpm --filter @earshot/api codegen` fails here.
    const { buildSchema, isObjectType } = await import("graphql");
    const schema = buildSchema(await readFile(new URL("../src/schema.graphql", import.meta.url), "utf8"));
    const generated = await readFile(new URL("../src/generated/graphql.ts", import.meta.url), "utf8");
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      expect(generated, `type ${type.name}`).toContain(`export type ${type.name}Resolvers<`);
      for (const field of Object.keys(type.getFields())) {
        expect(generated, `${type.name}.${field}`).toMatch(new RegExp(`\\b${field}\\?: Resolver<`));
      }
    }
  });
});
