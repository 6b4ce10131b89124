// What a partner's tools need from a running server: the standard introspection query, a published schema file that
// matches it, and an IDE page that works without internet access, checked in real Chromium.
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchPage } from "../../../test/browser.ts";
import { publishedSchema } from "../src/schema-docs.ts";
import { createHarness, type Harness } from "./harness.ts";

const FULL_INTROSPECTION = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  schemaDescription: true,
  directiveIsRepeatable: true,
  inputValueDeprecation: true,
});

describe("with introspection enabled (development)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ introspection: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers the standard introspection query, and docs/api/schema.graphql is the printed running schema", async () => {
    const r = await h.gql<IntrospectionQuery>(null, FULL_INTROSPECTION);
    expect(r.errors).toBeUndefined();
    expect(r.status).toBe(200);
    const running = buildClientSchema(r.data as IntrospectionQuery);
    expect(running.getType("DateTime")).toMatchObject({ specifiedByURL: expect.stringContaining("rfc3339") });
    const published = await readFile(new URL("../../../docs/api/schema.graphql", import.meta.url), "utf8");
    // Out of date after a schema edit: run `pnpm --filter @earshot/api schema:publish`.
    expect(publishedSchema(running)).toBe(published);
  });

  it("serves GraphiQL at /graphiql with its own CSP, and it loads the schema in Chromium with no outside request", async () => {
    const page = await h.app.inject({ method: "GET", url: "/graphiql" });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:/);

    await h.app.listen({ port: 0, host: "127.0.0.1" });
    const origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    const browser = await launchPage();
    try {
      const outside: string[] = [];
      const violations: string[] = [];
      // Any request that leaves this server (a CDN script, a font) is recorded and refused.
      await browser.context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(origin)) return route.continue();
        outside.push(url);
        return route.abort();
      });
      browser.page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await browser.page.goto(`${origin}/graphiql`);
      // The documentation explorer lists the schema's types once GraphiQL has introspected the server.
      await browser.page.getByRole("button", { name: /documentation explorer/i }).click();
      await browser.page.getByText("Query", { exact: true }).first().click();
      await browser.page.getByText("searchAudio", { exact: true }).first().waitFor();
      expect(await browser.page.content()).toContain("Search by description.");
      expect(outside).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe("with introspection disabled (production default)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ introspection: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("never serves Apollo's CDN landing page: a browser at /graphql gets the bundled IDE, or nothing where it is off", async () => {
    const html = { accept: "text/html,application/xhtml+xml" };
    const off = await h.app.inject({ method: "GET", url: "/graphql", headers: html });
    expect(off.statusCode).toBe(400);
    expect(off.body).not.toMatch(/apollographql|cdn|<html/i);
    const dev = await createHarness({ introspection: true });
    try {
      const on = await dev.app.inject({ method: "GET", url: "/graphql", headers: html });
      expect(on.statusCode).toBe(302);
      expect(on.headers.location).toBe("/graphiql");
      // A GET query from a client (not a browser page; Apollo's CSRF guard wants a preflight header) still runs.
      const get = await dev.app.inject({
        method: "GET",
        url: "/graphql?query=%7B__typename%7D",
        headers: { "apollo-require-preflight": "1" },
      });
      expect(get.json()).toEqual({ data: { __typename: "Query" } });
    } finally {
      await dev.close();
    }
  });

  it("refuses introspection and serves no IDE page", async () => {
    const r = await h.gql(null, FULL_INTROSPECTION);
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const page = await h.app.inject({ method: "GET", url: "/graphiql" });
    expect(page.statusCode).toBe(404);
  });
});
