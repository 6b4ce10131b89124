import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { createLogger } from "@earshot/log";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../src/server.ts";

describe("api server", () => {
  let db: TestDatabase;
  let pool: Pool;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    app = await buildServer({ pool, logger: createLogger("api-test", "silent") });
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
    await db.drop();
  });

  it("answers /healthz", async () => {
    const res = await app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("answers a GraphQL { __typename }", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json" },
      payload: { query: "{ __typename }" },
    });
    expect(res.json()).toEqual({ data: { __typename: "Query" } });
  });
});
