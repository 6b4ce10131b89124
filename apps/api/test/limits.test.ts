// Abuse of one installation by one caller (issue #18 items 2, 4, 5): alias amplification, cost-based rate limits,
// sign-in lockout through the web proxy, brute force, and client mistakes that must not look like server faults.
import { createInvitation } from "@earshot/auth";
import { withTenant } from "@earshot/db";
import { encodeCursor } from "@earshot/search";
import { seedTenant } from "@earshot/search/testing";
import { buildSchema, getIntrospectionQuery, Kind, parse, specifiedRules, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as webQueries from "../../web/lib/queries.ts";
import { DEFAULT_POINTS_PER_MINUTE, documentRules, MAX_COST, MAX_SEARCHES, measureCost } from "../src/limits.ts";
import { typeDefs } from "../src/server.ts";
import { seedWorld, type World } from "./fixtures.ts";
import { type Auth, authHeaders, createHarness, type Harness } from "./harness.ts";

const POINTS = 8000;
const schema = buildSchema(typeDefs);
let h: Harness;
let w: World;

beforeAll(async () => {
  h = await createHarness({ rateLimitPointsPerMinute: POINTS });
  w = await seedWorld(h);
});
afterAll(async () => {
  await h?.close();
});

interface Sent {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** POST /graphql as a client at `client` (forwarded by the proxy at `peer`, 127.0.0.1 by default). */
async function post(
  auth: Auth,
  body: Record<string, unknown> | string,
  opts: { client?: string; peer?: string; harness?: Harness } = {},
): Promise<Sent> {
  const res = await (opts.harness ?? h).app.inject({
    method: "POST",
    url: "/graphql",
    remoteAddress: opts.peer ?? "127.0.0.1",
    headers: {
      "content-type": "application/json",
      ...authHeaders(auth),
      ...(opts.client ? { "x-forwarded-for": opts.client } : {}),
    },
    payload: body,
  });
  return { status: res.statusCode, headers: res.headers, body: res.json() };
}
const code = (r: Sent) => r.body.errors?.[0]?.extensions?.code;
const errorLogs = (x: Harness = h) =>
  x.logLines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50).map((l) => JSON.parse(l).msg);

const searches = (n: number, first = 1) =>
  `{ ${Array.from({ length: n }, (_, i) => `s${i}: searchAudio(query: "rain", mode: METADATA, first: ${first}) { edges { cursor } }`).join(" ")} }`;

describe("alias amplification and query cost", () => {
  const key = () => ({ bearer: w.keys.search.bearer });

  it("refuses 1,000 aliased searches as an invalid document (400) before running anything", async () => {
    const r = await post(key(), { query: searches(1000) });
    expect(r.status).toBe(400);
    // Over the token limit already; a shorter document over the alias limit is refused by the alias rule.
    expect(code(r)).toBe("GRAPHQL_PARSE_FAILED");
    expect(r.body.data).toBeUndefined();
    const aliases = Array.from({ length: 25 }, (_, i) => `t${i}: tenant { slug }`).join(" ");
    const many = await post(key(), { query: `{ ${aliases} }` });
    expect(many.status).toBe(400);
    expect(code(many)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(many.body.errors?.[0]?.message).toMatch(/aliases/i);
  });

  it(`allows ${MAX_SEARCHES} search fields per request, aliases and fragments included, and no more`, async () => {
    expect((await post(key(), { query: searches(MAX_SEARCHES) })).status).toBe(200);
    const four = await post(key(), { query: searches(MAX_SEARCHES + 1) });
    expect(four.status).toBe(400);
    expect(code(four)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(four.body.errors?.[0]?.message).toMatch(/search fields/);
    // The same search spread four times through a fragment still counts four.
    const spread = await post(key(), {
      query: `fragment S on Query { searchAudio(query: "rain", mode: METADATA) { edges { cursor } } }
        { ...S a: tenant { ...T } b: tenant { ...T } } fragment T on Tenant { slug }
        query Two { x: searchAudio(query: "a", mode: METADATA) { edges { cursor } } ...S ...S ...S }`,
      operationName: "Two",
    });
    expect(spread.status).toBe(400);
  });

  it("counts work: a search costs far more than a plain field, pages multiply, over MAX_COST is 400", async () => {
    const plain = measureCost(schema, parse("{ tenant { slug } }"), undefined, {});
    const search = measureCost(schema, parse(searches(1)), undefined, {});
    expect(plain.cost).toBe(1);
    expect(search.cost).toBeGreaterThanOrEqual(1000);
    expect(search.searches).toBe(1);
    const big = measureCost(
      schema,
      parse("query($n: Int) { audios(first: $n) { edges { node { id } } } }"),
      undefined,
      {
        n: 100,
      },
    );
    expect(big.cost).toBeGreaterThan(100 * 2);
    expect(big.cost).toBeLessThan(search.cost);
    const r = await post(key(), {
      query: "{ audios(first: 100) { edges { node { collections(first: 100) { edges { node { id } } } } } } }",
    });
    expect(r.status).toBe(400);
    expect(code(r)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ maxCost: MAX_COST });
  });

  it("rejects queries deeper than the depth limit with 400", async () => {
    const deep = `{ audios { edges { node { collections { edges { node { items { edges { node { collections { edges { node { id } } } } } } } } } } } } }`;
    const r = await post(key(), { query: deep });
    expect(r.status).toBe(400);
    expect(code(r)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.body.errors?.[0]?.message).toMatch(/depth/i);
  });

  it("every query the web UI sends passes the document limits with its biggest pages", async () => {
    const docs = Object.entries(webQueries).filter(([, v]) => typeof v === "string" && /\b(query|mutation)\b/.test(v));
    expect(docs.length).toBeGreaterThan(20);
    const costs: Record<string, number> = {};
    for (const [name, text] of docs) {
      const doc = parse(text as string);
      expect(validate(schema, doc, [...specifiedRules, ...documentRules()]), name).toEqual([]);
      const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
      if (op?.kind !== Kind.OPERATION_DEFINITION || op.operation !== "query") continue;
      // Every page at its maximum; required variables get a placeholder of their type, optional ones are left out.
      const placeholder: Record<string, unknown> = { ID: "x", String: "x", Int: 1, Float: 1, Boolean: true };
      const variables = Object.fromEntries(
        (op.variableDefinitions ?? [])
          .filter((v) => v.variable.name.value === "first" || v.type.kind === Kind.NON_NULL_TYPE)
          .map((v) => {
            const type = v.type.kind === Kind.NON_NULL_TYPE ? v.type.type : v.type;
            const value = type.kind === Kind.NAMED_TYPE ? placeholder[type.name.value] : undefined;
            return [v.variable.name.value, v.variable.name.value === "first" ? 100 : value];
          }),
      );
      if (Object.values(variables).includes(undefined)) continue;
      const { cost, searches: n } = measureCost(schema, doc, undefined, variables);
      expect(cost, name).toBeLessThanOrEqual(MAX_COST);
      expect(n, name).toBeLessThanOrEqual(MAX_SEARCHES);
      costs[name] = cost;
    }
    // The upload page polls its batch every second while files are processed: that must fit the default budget.
    expect((costs.UPLOAD_BATCH ?? Infinity) * 60).toBeLessThan(DEFAULT_POINTS_PER_MINUTE / 2);
  });
});

describe("rate limit counts cost, per caller, with 429 and RateLimit headers", () => {
  it("charges each request its cost; the caller over budget gets 429 + Retry-After, others are unaffected", async () => {
    const greedy = await h.apiKey(w.a.id, ["search"]);
    const other = await h.apiKey(w.b.id, ["search"]);
    const first = await post({ bearer: greedy.bearer }, { query: searches(3) });
    expect(first.status).toBe(200);
    expect(first.headers["ratelimit-limit"]).toBe(String(POINTS));
    const spent = POINTS - Number(first.headers["ratelimit-remaining"]);
    expect(spent).toBeGreaterThanOrEqual(3000);
    let last = first;
    for (let i = 0; i < 10 && last.status === 200; i++)
      last = await post({ bearer: greedy.bearer }, { query: searches(3) });
    expect(last.status).toBe(429);
    expect(code(last)).toBe("RATE_LIMITED");
    expect(Number(last.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(last.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(last.headers["ratelimit-remaining"]).toBeDefined();
    expect(last.body.errors?.[0]?.extensions?.retryAfterS).toBe(Number(last.headers["retry-after"]));
    expect(last.body.errors?.[0]?.extensions?.http).toBeUndefined();
    // Sending on regardless is refused up front, the same way.
    const again = await post({ bearer: greedy.bearer }, { query: "{ tenant { slug } }" });
    expect(again.status).toBe(429);
    expect(code(again)).toBe("RATE_LIMITED");
    expect(Number(again.headers["retry-after"])).toBeGreaterThan(0);
    expect(again.headers["ratelimit-remaining"]).toBe("0");
    // Another tenant's key still has its whole budget.
    const fine = await post({ bearer: other.bearer }, { query: "{ tenant { slug } }" });
    expect(fine.status).toBe(200);
    expect(Number(fine.headers["ratelimit-remaining"])).toBe(POINTS - 1);
    expect(errorLogs()).toEqual([]);
  });

  it("uploads are charged too and refused with 429 and Retry-After", async () => {
    const key = await h.apiKey(w.b.id, ["ingest"]);
    await post({ bearer: key.bearer }, { query: searches(3, 100) });
    for (let i = 0; i < 10; i++) await post({ bearer: key.bearer }, { query: searches(3, 100) });
    const res = await h.app.inject({
      method: "POST",
      url: `/v1/uploads/${w.beta.batchId}/files`,
      headers: { authorization: `Bearer ${key.bearer}`, "content-type": "multipart/form-data; boundary=x" },
      payload: "--x--\r\n",
    });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe("RATE_LIMITED");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("more API keys do not buy a tenant more: its keys share a budget of a few callers'", async () => {
    let refused: Sent | undefined;
    for (let k = 0; k < 6 && !refused; k++) {
      const key = await h.apiKey(w.b.id, ["search"]);
      for (let i = 0; i < 2 && !refused; i++) {
        const r = await post({ bearer: key.bearer }, { query: searches(3, 100) });
        if (r.status === 429) refused = r;
      }
    }
    expect(refused?.body.errors?.[0]?.message).toMatch(/tenant's/);
    expect(Number(refused?.headers["retry-after"])).toBeGreaterThan(0);
    const fresh = await h.apiKey(w.b.id, ["search"]);
    expect((await post({ bearer: fresh.bearer }, { query: "{ tenant { slug } }" })).status).toBe(429);
    // Tenant alpha is not affected.
    const alpha = await h.apiKey(w.a.id, ["search"]);
    expect((await post({ bearer: alpha.bearer }, { query: "{ tenant { slug } }" })).status).toBe(200);
  });
});

describe("client address through the trusted web proxy only", () => {
  const me = { query: "{ health }" };

  it("620 anonymous requests from one browser no longer block another browser's sign-in", async () => {
    const x = await createHarness({ rateLimitPointsPerMinute: 600 });
    try {
      const wx = await seedWorld(x);
      let status = 200;
      for (let i = 0; i < 620; i++) status = (await post(null, me, { client: "198.51.100.7", harness: x })).status;
      expect(status).toBe(429);
      const signIn = await post(
        null,
        {
          query: 'mutation($e: String!) { signIn(input: {email: $e, password: "correct horse battery"}) { role } }',
          variables: { e: wx.users.viewer.email },
        },
        { client: "198.51.100.8", harness: x },
      );
      expect(signIn.status).toBe(200);
      expect(signIn.body.data).toEqual({ signIn: { role: "VIEWER" } });
      expect(errorLogs(x)).toEqual([]);
    } finally {
      await x.close();
    }
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    const x = await createHarness({ rateLimitPointsPerMinute: 100 });
    try {
      let last: Sent | undefined;
      // A fresh forged address on every request: all are still charged to the peer itself.
      // (A few more than the budget: until the Redis client is ready, the per-process fallback limiter counts.)
      for (let i = 0; i < 110 && last?.status !== 429; i++) {
        last = await post(null, me, { peer: "203.0.113.5", client: `10.0.${i}.1`, harness: x });
      }
      expect(last?.status).toBe(429);
      // Forwarded by the trusted proxy, that address is the same client; another address is another client.
      expect((await post(null, me, { client: "203.0.113.5", harness: x })).status).toBe(429);
      expect((await post(null, me, { client: "203.0.113.6", harness: x })).status).toBe(200);
    } finally {
      await x.close();
    }
  });
});

describe("sign-in brute force", () => {
  const signIn = (email: string, password: string, client: string) =>
    post(
      null,
      {
        query: "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { role } }",
        variables: { e: email, p: password },
      },
      { client },
    );

  it("slows then refuses guessing one account from one client (429), while the owner signs in elsewhere", async () => {
    const victim = w.users.archivist.email;
    const codes: unknown[] = [];
    for (let i = 0; i < 7; i++) codes.push(code(await signIn(victim, `guess ${i}`, "192.0.2.66")));
    expect(codes.slice(0, 6)).toEqual(Array(6).fill("UNAUTHENTICATED"));
    expect(codes[6]).toBe("RATE_LIMITED");
    const refused = await signIn(victim, "correct horse battery", "192.0.2.66");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // The real user, from their own browser, is not locked out.
    const owner = await signIn(victim, "correct horse battery", "192.0.2.10");
    expect(owner.status).toBe(200);
    expect(owner.body.data).toEqual({ signIn: { role: "ARCHIVIST" } });
    expect(errorLogs()).toEqual([]);
  });

  it("a successful sign-in resets the account's count for that client", async () => {
    const email = w.users.viewer.email;
    for (let i = 0; i < 5; i++) expect(code(await signIn(email, "typo", "192.0.2.20"))).toBe("UNAUTHENTICATED");
    expect((await signIn(email, "correct horse battery", "192.0.2.20")).status).toBe(200);
    for (let i = 0; i < 5; i++) expect(code(await signIn(email, "typo", "192.0.2.20"))).toBe("UNAUTHENTICATED");
  });

  it("password guesses through acceptInvitation and changePassword count against the same limits", async () => {
    // Fresh tenants: the world's have spent their budgets in the tests above.
    const home = await seedTenant(h.pool);
    const inviting = await seedTenant(h.pool);
    const guarded = await h.user(home.id, "viewer", "guarded@example.org");
    const { token } = await withTenant(h.pool, inviting.id, (c) =>
      createInvitation(c, inviting.id, {
        email: "guarded@example.org",
        name: "",
        role: "admin",
        createdBy: "test",
        ttlHours: 1,
      }),
    );
    const accept = (p: string, client: string) =>
      post(
        null,
        {
          query: "mutation($t: String!, $p: String) { acceptInvitation(input: {token: $t, password: $p}) { role } }",
          variables: { t: token, p },
        },
        { client },
      );
    const codes: unknown[] = [];
    for (let i = 0; i < 7; i++) codes.push(code(await accept(`guess ${i}`, "192.0.2.77")));
    expect(codes).toEqual([...Array(6).fill("UNAUTHENTICATED"), "RATE_LIMITED"]);
    // The same account's sign-in from that client waits too; from the owner's own client it does not.
    expect((await signIn("guarded@example.org", "correct horse battery", "192.0.2.77")).status).toBe(429);
    expect((await accept("correct horse battery", "192.0.2.78")).body.data).toEqual({
      acceptInvitation: { role: "ADMIN" },
    });

    const change = (current: string) =>
      post(
        { cookie: guarded.cookie },
        {
          query:
            'mutation($c: String!) { changePassword(input: {currentPassword: $c, newPassword: "long enough 123"}) }',
          variables: { c: current },
        },
        { client: "192.0.2.79" },
      );
    const changes: unknown[] = [];
    for (let i = 0; i < 7; i++) changes.push(code(await change(`guess ${i}`)));
    expect(changes).toEqual([...Array(6).fill("UNAUTHENTICATED"), "RATE_LIMITED"]);
  });

  it("one client spraying many accounts is slowed too", async () => {
    const results: unknown[] = [];
    for (let i = 0; i < 32; i++) results.push(code(await signIn(`nobody${i}@example.org`, "pw", "192.0.2.99")));
    expect(results.slice(0, 31)).toEqual(Array(31).fill("UNAUTHENTICATED"));
    expect(results[31]).toBe("RATE_LIMITED");
  });
});

describe("client mistakes are 4xx with the right code, never logged as errors", () => {
  const key = () => ({ bearer: w.keys.admin.bearer });

  it("a NUL character in any string argument is BAD_USER_INPUT (400)", async () => {
    const viaVariable = await post(key(), {
      query: "query($q: String!) { searchAudio(query: $q, mode: METADATA) { edges { cursor } } }",
      variables: { q: "rain\u0000" },
    });
    expect(viaVariable.status).toBe(400);
    expect(code(viaVariable)).toBe("BAD_USER_INPUT");
    const viaLiteral = await post(key(), {
      query: `mutation { updateAudioMetadata(id: "${w.assets.dog}", input: {title: "a\\u0000b"}) { id } }`,
    });
    expect(viaLiteral.status).toBe(400);
    expect(code(viaLiteral)).toBe("BAD_USER_INPUT");
    const inJson = await post(key(), {
      query: "mutation($id: ID!, $c: JSON) { updateAudioMetadata(id: $id, input: {custom: $c}) { id } }",
      variables: { id: w.assets.dog, c: { note: ["x\u0000"] } },
    });
    expect(code(inJson)).toBe("BAD_USER_INPUT");
    expect(errorLogs()).toEqual([]);
  });

  it("a crafted pagination cursor is BAD_USER_INPUT", async () => {
    const crafted = [
      encodeCursor({ v: "not a date", id: "00000000-0000-4000-8000-000000000000" }),
      encodeCursor({ v: "2026-01-01T00:00:00Z", id: "not-a-uuid" }),
      encodeCursor({ v: "99999-99-99", id: "00000000-0000-4000-8000-000000000000" }),
      "%%%",
    ];
    for (const after of crafted) {
      const r = await post(key(), {
        query: "query($a: String) { audios(after: $a) { edges { cursor } } }",
        variables: { a: after },
      });
      expect(code(r), after).toBe("BAD_USER_INPUT");
    }
    expect(errorLogs()).toEqual([]);
  });

  it("custom JSON nested 5,000 deep is BAD_USER_INPUT (variable) or a parse failure (literal), both 400", async () => {
    // Written out by hand: JSON.stringify itself overflows the stack on 5,000 levels.
    const deep = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    const mutation = "mutation($id: ID!, $c: JSON) { updateAudioMetadata(id: $id, input: {custom: $c}) { id } }";
    const viaVariable = await post(
      key(),
      `{"query":${JSON.stringify(mutation)},"variables":{"id":"${w.assets.dog}","c":${deep}}}`,
    );
    expect(viaVariable.status).toBe(400);
    expect(code(viaVariable)).toBe("BAD_USER_INPUT");
    const literal = `${"{a: ".repeat(5000)}1${"}".repeat(5000)}`;
    const viaLiteral = await post(key(), {
      query: `mutation { updateAudioMetadata(id: "${w.assets.dog}", input: {custom: ${literal}}) { id } }`,
    });
    expect(viaLiteral.status).toBe(400);
    expect(code(viaLiteral)).toBe("GRAPHQL_PARSE_FAILED");
    // A reasonable object still goes through.
    const ok = await post(key(), {
      query: mutation,
      variables: { id: w.assets.dog, c: { recordist: { name: "Ada", kit: ["mic", "recorder"] } } },
    });
    expect(ok.body.errors).toBeUndefined();
    expect(errorLogs()).toEqual([]);
  });

  it("keeps Apollo's own codes (persisted queries, bad requests)", async () => {
    const pq = await post(key(), { extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } });
    expect(code(pq)).toBe("PERSISTED_QUERY_NOT_FOUND");
    const noQuery = await h.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json", ...authHeaders(key()) },
      payload: { variables: {} },
    });
    expect(noQuery.statusCode).toBe(400);
    expect(errorLogs()).toEqual([]);
  });

  it("introspection: the standard query passes where enabled; off, it is refused and errors carry no suggestions", async () => {
    const on = await post(null, { query: getIntrospectionQuery() });
    expect(on.status).toBe(200);
    expect(on.body.errors).toBeUndefined();
    expect((on.body.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(30);
    const hinted = await post(key(), { query: "{ tenan { slug } }" });
    expect(hinted.body.errors?.[0]?.message).toMatch(/Did you mean/);

    const prod = await createHarness({ introspection: false });
    try {
      const off = await post(null, { query: getIntrospectionQuery() }, { harness: prod });
      expect(off.status).toBe(400);
      expect(code(off)).toBe("GRAPHQL_VALIDATION_FAILED");
      for (const q of [
        "{ tenan { slug } }",
        "{ audios(frist: 1) { totalCount } }",
        '{ searchAudio(query: "x", mode: HYBRD) { edges { cursor } } }',
      ]) {
        const r = await post(null, { query: q }, { harness: prod });
        expect(r.status).toBe(400);
        expect(r.body.errors?.[0]?.message, q).not.toMatch(/Did you mean|tenant|first|HYBRID/);
      }
      expect(errorLogs(prod)).toEqual([]);
    } finally {
      await prod.close();
    }
  });
});
