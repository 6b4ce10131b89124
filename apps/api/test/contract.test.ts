import { randomUUID } from "node:crypto";
// Contract tests on the real stack: every query and mutation, every role and scope, and cross-tenant attempts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorld, type World } from "./fixtures.ts";
import { type Auth, createHarness, type Harness } from "./harness.ts";

let h: Harness;
let w: World;

beforeAll(async () => {
  h = await createHarness();
  w = await seedWorld(h);
});
afterAll(async () => {
  await h?.close();
});

const codeOf = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;

type Who = "admin" | "archivist" | "viewer" | "keySearch" | "keyIngest" | "keyAdmin";
const everyone: Who[] = ["admin", "archivist", "viewer", "keySearch", "keyIngest", "keyAdmin"];
function auth(who: Who): Auth {
  switch (who) {
    case "admin":
    case "archivist":
    case "viewer":
      return { cookie: w.users[who].cookie };
    case "keySearch":
      return { bearer: w.keys.search.bearer };
    case "keyIngest":
      return { bearer: w.keys.ingest.bearer };
    case "keyAdmin":
      return { bearer: w.keys.admin.bearer };
  }
}
const LEVEL: Record<Who, number> = { viewer: 0, keySearch: 0, archivist: 1, keyIngest: 1, admin: 2, keyAdmin: 2 };

describe("authentication", () => {
  it("answers health and me without auth; everything else is UNAUTHENTICATED", async () => {
    expect((await h.gql(null, "{ health me { role } }")).data).toEqual({ health: "ok", me: null });
    for (const q of [
      "{ tenant { id } }",
      '{ audio(id: "00000000-0000-0000-0000-000000000000") { id } }',
      "{ audios { totalCount } }",
    ]) {
      expect(codeOf(await h.gql(null, q))).toBe("UNAUTHENTICATED");
    }
    expect(codeOf(await h.gql(null, 'mutation { createCollection(input: {name: "x"}) { id } }'))).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("rejects malformed, unknown and revoked API keys with 401", async () => {
    for (const bearer of ["nonsense", `esk_000000000000_${"a".repeat(43)}`, `${w.keys.search.bearer.slice(0, -1)}x`]) {
      const r = await h.gql({ bearer }, "{ me { role } }");
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe("UNAUTHENTICATED");
    }
  });

  it("signs in with a cookie session, switches tenant, signs out", async () => {
    const u = await h.user(w.a.id, "viewer", "both@example.org");
    await h.pool.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'archivist')", [
      w.b.id,
      u.userId,
    ]);
    const bad = await h.gql(
      null,
      'mutation { signIn(input: {email: "both@example.org", password: "wrong"}) { role } }',
    );
    expect(codeOf(bad)).toBe("UNAUTHENTICATED");
    const unknown = await h.gql(
      null,
      'mutation { signIn(input: {email: "nobody@example.org", password: "x"}) { role } }',
    );
    expect(unknown.errors?.[0]?.message).toBe(bad.errors?.[0]?.message);

    const res = await h.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json" },
      payload: {
        query:
          'mutation { signIn(input: {email: "Both@Example.org", password: "correct horse battery", tenantSlug: "alpha"}) { role tenant { slug } user { email } } }',
      },
    });
    expect(res.json().data.signIn).toEqual({
      role: "VIEWER",
      tenant: { slug: "alpha" },
      user: { email: "both@example.org" },
    });
    const setCookie = ([] as string[]).concat(res.headers["set-cookie"] as string[]);
    expect(setCookie.find((c) => c.startsWith("earshot_session="))).toMatch(/HttpOnly/);
    const cookie = setCookie.map((c) => c.split(";")[0]).join("; ");

    const me = await h.gql(
      { cookie },
      "{ me { role scopes tenant { slug } user { email } apiKey { id } memberships { tenantSlug role } } }",
    );
    expect(me.data?.me).toEqual({
      role: "VIEWER",
      scopes: ["SEARCH"],
      tenant: { slug: "alpha" },
      user: { email: "both@example.org" },
      apiKey: null,
      memberships: [
        { tenantSlug: "alpha", role: "VIEWER" },
        { tenantSlug: "beta", role: "ARCHIVIST" },
      ],
    });
    const sw = await h.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json", cookie },
      payload: { query: 'mutation { switchTenant(slug: "beta") { role tenant { slug } } }' },
    });
    expect(sw.json().data.switchTenant).toEqual({ role: "ARCHIVIST", tenant: { slug: "beta" } });
    const cookieBeta = `${cookie.split("; ")[0]}; earshot_tenant=beta`;
    expect((await h.gql({ cookie: cookieBeta }, "{ tenant { slug } }")).data).toEqual({ tenant: { slug: "beta" } });
    // A tenant cookie naming a tenant the user is not a member of falls back to their first membership.
    const forged = `${cookie.split("; ")[0]}; earshot_tenant=nope`;
    expect((await h.gql({ cookie: forged }, "{ tenant { slug } }")).data).toEqual({ tenant: { slug: "alpha" } });
    expect(codeOf(await h.gql({ cookie }, 'mutation { switchTenant(slug: "gamma") { role } }'))).toBe("FORBIDDEN");

    const out = await h.gql({ cookie }, "mutation { signOut }");
    expect(out.data).toEqual({ signOut: true });
    expect((await h.gql({ cookie }, "{ me { role } }")).data).toEqual({ me: null });
  });

  it("describes API-key callers in me", async () => {
    const r = await h.gql(
      { bearer: w.keys.ingest.bearer },
      "{ me { role scopes user { id } apiKey { id lastUsedAt } tenant { slug } } }",
    );
    expect(r.data?.me).toMatchObject({ role: null, scopes: ["INGEST"], user: null, tenant: { slug: "alpha" } });
    expect((r.data!.me as { apiKey: { lastUsedAt: string } }).apiKey.lastUsedAt).toBeTruthy();
  });
});

describe("roles and scopes", () => {
  // Operations by the permission level they need (0 read, 1 write, 2 admin). Fresh targets per call.
  const ops: Array<{ name: string; level: number; run: (a: Auth) => ReturnType<Harness["gql"]> }> = [
    { name: "audios", level: 0, run: (a) => h.gql(a, "{ audios { totalCount } }") },
    {
      name: "audio",
      level: 0,
      run: (a) => h.gql(a, "query($id: ID!) { audio(id: $id) { id } }", { id: w.assets.rain }),
    },
    { name: "collections", level: 0, run: (a) => h.gql(a, "{ collections { totalCount } }") },
    { name: "tenant", level: 0, run: (a) => h.gql(a, "{ tenant { slug } }") },
    { name: "model", level: 0, run: (a) => h.gql(a, "{ model { version } }") },
    { name: "uploadBatches", level: 0, run: (a) => h.gql(a, "{ uploadBatches { edges { cursor } } }") },
    {
      name: "searchAudio",
      level: 0,
      run: (a) => h.gql(a, '{ searchAudio(query: "rain", mode: METADATA) { edges { cursor } } }'),
    },
    {
      name: "similarAudio",
      level: 0,
      run: (a) =>
        h.gql(a, "query($id: ID!) { similarAudio(assetId: $id) { edges { cursor } } }", { id: w.assets.rain }),
    },
    {
      name: "updateAudioMetadata",
      level: 1,
      run: (a) =>
        h.gql(a, 'mutation($id: ID!) { updateAudioMetadata(id: $id, input: {licence: "CC-BY"}) { id } }', {
          id: w.assets.rain,
        }),
    },
    {
      name: "createCollection",
      level: 1,
      run: (a) =>
        h.gql(a, "mutation($n: String!) { createCollection(input: {name: $n}) { id } }", { n: `c${Math.random()}` }),
    },
    { name: "createUploadBatch", level: 1, run: (a) => h.gql(a, "mutation { createUploadBatch { id status } }") },
    {
      name: "createApiKey",
      level: 2,
      run: (a) => h.gql(a, 'mutation { createApiKey(input: {name: "k", scopes: [SEARCH]}) { secret } }'),
    },
    { name: "tenant.members", level: 2, run: (a) => h.gql(a, "{ tenant { members { edges { cursor } } } }") },
    { name: "tenant.apiKeys", level: 2, run: (a) => h.gql(a, "{ tenant { apiKeys { edges { cursor } } } }") },
    { name: "startReindex", level: 2, run: (a) => h.gql(a, "mutation { startReindex { jobId } }") },
  ];

  for (const op of ops) {
    it(`${op.name}: allowed from level ${op.level}, FORBIDDEN below`, async () => {
      for (const who of everyone) {
        const r = await op.run(auth(who));
        if (LEVEL[who] >= op.level) expect(r.errors, `${who} on ${op.name}`).toBeUndefined();
        else expect(codeOf(r), `${who} on ${op.name}`).toBe("FORBIDDEN");
      }
    });
  }
});

describe("queries", () => {
  const A = () => ({ cookie: w.users.viewer.cookie });

  it("audio(id) returns the asset with metadata, media URLs, collections and segment count", async () => {
    const r = await h.gql(
      A(),
      `query($id: ID!) { audio(id: $id) { id title tags category licence durationS status originalFilename sizeBytes custom
         segmentCount collections { totalCount } media { streamUrl downloadUrl peaksUrl expiresAt } } }`,
      { id: w.assets.rain },
    );
    const audio = r.data?.audio as Record<string, unknown> & { media: Record<string, string> };
    expect(audio).toMatchObject({
      title: "Heavy rain on a tin roof",
      tags: ["rain", "weather"],
      status: "READY",
      segmentCount: 2,
    });
    expect(audio.media.streamUrl).toMatch(/^\/v1\/media\/audio\//);
    expect(audio.media.downloadUrl).toMatch(/dl=1/);
    expect(audio.media.peaksUrl).toMatch(/^\/v1\/media\/peaks\//);
  });

  it("audios filters, sorts and paginates with keyset cursors", async () => {
    const q = `query($f: AudioFilter, $s: AudioSort, $first: Int, $after: String) {
      audios(filter: $f, sort: $s, first: $first, after: $after) { totalCount edges { node { title } cursor } pageInfo { hasNextPage endCursor } } }`;
    const all = await h.gql<{ audios: { totalCount: number } }>(A(), q, {});
    expect(all.data?.audios.totalCount).toBe(4);
    const p1 = await h.gql<{
      audios: { edges: Array<{ node: { title: string } }>; pageInfo: { endCursor: string; hasNextPage: boolean } };
    }>(A(), q, { s: { field: "TITLE", direction: "ASC" }, first: 2 });
    expect(p1.data?.audios.edges.map((e) => e.node.title)).toEqual(["Dog barking", "Frog croaks at night"]);
    expect(p1.data?.audios.pageInfo.hasNextPage).toBe(true);
    const p2 = await h.gql<{ audios: { edges: Array<{ node: { title: string } }> } }>(A(), q, {
      s: { field: "TITLE", direction: "ASC" },
      first: 2,
      after: p1.data?.audios.pageInfo.endCursor,
    });
    expect(p2.data?.audios.edges.map((e) => e.node.title)).toEqual([
      "Heavy rain on a tin roof",
      "rain still processing",
    ]);
    const filtered = await h.gql<{ audios: { edges: Array<{ node: { title: string } }> } }>(A(), q, {
      f: { maxDurationS: 30, licences: ["CC0"], statuses: ["READY"] },
    });
    expect(filtered.data?.audios.edges.map((e) => e.node.title)).toEqual(["Dog barking"]);
    const byTag = await h.gql<{ audios: { totalCount: number } }>(A(), q, {
      f: { tags: ["rain"], categories: ["ambience"] },
    });
    expect(byTag.data?.audios.totalCount).toBe(1);
    const dates = await h.gql<{ audios: { totalCount: number } }>(A(), q, {
      f: { uploadedAfter: "2100-01-01T00:00:00Z" },
    });
    expect(dates.data?.audios.totalCount).toBe(0);
    expect(codeOf(await h.gql(A(), q, { f: { uploadedAfter: "yesterday" } }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await h.gql(A(), q, { after: "garbage" }))).toBe("BAD_USER_INPUT");
  });

  it("searchAudio METADATA ranks by full text and never shows another tenant's assets", async () => {
    const r = await h.gql<{
      searchAudio: {
        edges: Array<{ node: { asset: { title: string }; score: number; segment: null; foundBy: string[] } }>;
      };
    }>(
      A(),
      '{ searchAudio(query: "rain", mode: METADATA) { edges { node { asset { title } score segment { startS } foundBy } } model { id } } }',
    );
    const titles = r.data?.searchAudio.edges.map((e) => e.node.asset.title);
    expect(titles).toEqual(["Heavy rain on a tin roof", "Frog croaks at night"]);
    expect(r.data?.searchAudio.edges[0]?.node.foundBy).toEqual(["METADATA"]);
  });

  it("searchAudio CONTENT/HYBRID answer UNAVAILABLE while the text encoder is down", async () => {
    const r = await h.gql(A(), '{ searchAudio(query: "rain") { edges { cursor } } }');
    expect(codeOf(r)).toBe("UNAVAILABLE");
    expect(JSON.stringify(r)).not.toMatch(/stack|at \//);
  });

  it("similarAudio ranks the tenant's own assets by vector, best segment first, excluding the query asset", async () => {
    const r = await h.gql<{
      similarAudio: {
        edges: Array<{ node: { asset: { id: string }; segment: { startS: number }; foundBy: string[] } }>;
      };
    }>(
      A(),
      "query($id: ID!) { similarAudio(assetId: $id, segmentStart: 10) { edges { node { asset { id } segment { startS endS } foundBy } } } }",
      { id: w.assets.rain },
    );
    const ids = r.data?.similarAudio.edges.map((e) => e.node.asset.id);
    expect(ids).toEqual([w.assets.frog, w.assets.dog]);
    expect(ids).not.toContain(w.assets.secret);
    expect(r.data?.similarAudio.edges[0]?.node.foundBy).toEqual(["CONTENT"]);
  });

  it("searchByExample answers NOT_FOUND for unknown or other-tenant example ids", async () => {
    const id = "5b7cf3a0-1111-4111-8111-111111111111";
    await h.redis.set(`${h.prefix}:example:${w.b.id}:${id}`, JSON.stringify(Array(8).fill(0.1)));
    const r = await h.gql(A(), "query($id: ID!) { searchByExample(exampleId: $id) { edges { cursor } } }", { id });
    expect(codeOf(r)).toBe("NOT_FOUND");
    // The same example id in the owner's tenant works and ranks only that tenant's assets.
    const own = await h.gql<{ searchByExample: { edges: Array<{ node: { asset: { id: string } } }> } }>(
      { bearer: w.keys.beta.bearer },
      "query($id: ID!) { searchByExample(exampleId: $id) { edges { node { asset { id } } } } }",
      { id },
    );
    expect(own.data?.searchByExample.edges.map((e) => e.node.asset.id)).toEqual([w.assets.secret]);
  });

  it("suggestTags answers UNAVAILABLE while the embedder is down, NOT_FOUND for another tenant's asset", async () => {
    expect(
      codeOf(
        await h.gql(A(), "query($id: ID!) { suggestTags(assetId: $id) { edges { cursor } } }", { id: w.assets.rain }),
      ),
    ).toBe("UNAVAILABLE");
    expect(
      codeOf(
        await h.gql(A(), "query($id: ID!) { suggestTags(assetId: $id) { edges { cursor } } }", { id: w.assets.secret }),
      ),
    ).toBe("NOT_FOUND");
  });

  it("tenant, model and collections", async () => {
    const r = await h.gql(
      { cookie: w.users.admin.cookie },
      `{ tenant { slug name searchModel { dim } members { edges { node { role user { email } } } }
        apiKeys { edges { node { prefix scopes revokedAt } } } }
      model { name version dim architecture experts metrics } }`,
    );
    const data = r.data as {
      tenant: { members: { edges: unknown[] }; apiKeys: { edges: unknown[] } };
      model: Record<string, unknown>;
    };
    expect(data.tenant).toMatchObject({ slug: "alpha", searchModel: { dim: 8 } });
    expect(data.tenant.members.edges.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(data.tenant.members)).not.toContain(w.users.betaAdmin.email);
    expect(data.tenant.apiKeys.edges.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(data.tenant.apiKeys)).not.toMatch(/hash|secret/);
    expect(data.model).toMatchObject({ name: "earshot-ce", dim: 8, architecture: "CE", experts: ["a", "b"] });
    // The worker registers the embedder's summary, whose experts are plain names (they once came back as "").
    const setExperts = (experts: unknown) =>
      h.pool.query(
        "UPDATE model_versions SET manifest = jsonb_set(manifest, '{experts}', $1) WHERE name = 'earshot-ce'",
        [JSON.stringify(experts)],
      );
    await setExperts(["logmel", "spectral"]);
    const named = await h.gql({ cookie: w.users.admin.cookie }, "{ model { experts } }");
    await setExperts([{ name: "a" }, { name: "b" }]);
    expect(named.data).toEqual({ model: { experts: ["logmel", "spectral"] } });
    // Keyset pages of members follow each other without overlap.
    type Members = {
      tenant: { members: { edges: Array<{ node: { user: { id: string } } }>; pageInfo: { endCursor: string } } };
    };
    const q =
      "query($a: String) { tenant { members(first: 2, after: $a) { edges { node { user { id } } } pageInfo { endCursor } } } }";
    const p1 = await h.gql<Members>({ cookie: w.users.admin.cookie }, q, {});
    const p2 = await h.gql<Members>({ cookie: w.users.admin.cookie }, q, {
      a: p1.data?.tenant.members.pageInfo.endCursor,
    });
    expect(p2.errors).toBeUndefined();
    const ids1 = p1.data?.tenant.members.edges.map((e) => e.node.user.id) ?? [];
    const ids2 = p2.data?.tenant.members.edges.map((e) => e.node.user.id) ?? [];
    expect(ids2.length).toBeGreaterThan(0);
    expect(ids1.filter((x) => ids2.includes(x))).toEqual([]);
  });

  it("batches N+1 field loads with DataLoader (pool checkouts do not grow with the page size)", async () => {
    let checkouts = 0;
    const onAcquire = () => checkouts++;
    h.pool.on("acquire", onAcquire);
    const q = "query($n: Int) { audios(first: $n) { edges { node { segmentCount collections { totalCount } } } } }";
    await h.gql(A(), q, { n: 1 });
    const one = checkouts;
    checkouts = 0;
    await h.gql(A(), q, { n: 4 });
    h.pool.off("acquire", onAcquire);
    expect(checkouts).toBe(one);
  });
});

describe("mutations", () => {
  const arch = () => ({ cookie: w.users.archivist.cookie });
  const admin = () => ({ cookie: w.users.admin.cookie });

  it("updateAudioMetadata validates and updates (and feeds full-text search)", async () => {
    const r = await h.gql(
      arch(),
      `mutation($id: ID!) { updateAudioMetadata(id: $id, input: {title: "Thunderclap", tags: ["storm", "storm", "thunder"], custom: {mic: "MKH416"}}) {
        title tags custom } }`,
      { id: w.assets.dog },
    );
    expect(r.data?.updateAudioMetadata).toEqual({
      title: "Thunderclap",
      tags: ["storm", "thunder"],
      custom: { mic: "MKH416" },
    });
    const s = await h.gql<{ searchAudio: { edges: Array<{ node: { asset: { id: string } } }> } }>(
      arch(),
      '{ searchAudio(query: "thunderclap", mode: METADATA) { edges { node { asset { id } } } } }',
    );
    expect(s.data?.searchAudio.edges.map((e) => e.node.asset.id)).toEqual([w.assets.dog]);
    for (const input of [`{title: "${"x".repeat(301)}"}`, '{tags: [""]}', "{}", '{custom: "x"}']) {
      const bad = await h.gql(arch(), `mutation($id: ID!) { updateAudioMetadata(id: $id, input: ${input}) { id } }`, {
        id: w.assets.dog,
      });
      expect(codeOf(bad), input).toBe("BAD_USER_INPUT");
    }
    await h.gql(arch(), 'mutation($id: ID!) { updateAudioMetadata(id: $id, input: {title: "Dog barking"}) { id } }', {
      id: w.assets.dog,
    });
  });

  it("collections CRUD and membership", async () => {
    const c = await h.gql<{ createCollection: { id: string } }>(
      arch(),
      'mutation { createCollection(input: {name: "Weather", description: "wet"}) { id } }',
    );
    const id = c.data?.createCollection.id as string;
    expect(codeOf(await h.gql(arch(), 'mutation { createCollection(input: {name: "Weather"}) { id } }'))).toBe(
      "BAD_USER_INPUT",
    );
    const add = await h.gql(
      arch(),
      "mutation($c: ID!, $a: [ID!]!) { addToCollection(collectionId: $c, assetIds: $a) { name items { totalCount edges { node { id } } } } }",
      { c: id, a: [w.assets.rain, w.assets.frog, w.assets.rain] },
    );
    expect(add.data?.addToCollection).toMatchObject({ name: "Weather", items: { totalCount: 2 } });
    const inColl = await h.gql<{ audios: { totalCount: number } }>(
      arch(),
      "query($c: ID!) { audios(filter: {collectionId: $c}) { totalCount } }",
      { c: id },
    );
    expect(inColl.data?.audios.totalCount).toBe(2);
    const filtered = await h.gql<{ similarAudio: { edges: Array<{ node: { asset: { id: string } } }> } }>(
      arch(),
      "query($id: ID!, $c: ID!) { similarAudio(assetId: $id, filter: {collectionId: $c}) { edges { node { asset { id } } } } }",
      { id: w.assets.dog, c: id },
    );
    expect(filtered.data?.similarAudio.edges.map((e) => e.node.asset.id).sort()).toEqual(
      [w.assets.rain, w.assets.frog].sort(),
    );
    const rem = await h.gql(
      arch(),
      "mutation($c: ID!, $a: [ID!]!) { removeFromCollection(collectionId: $c, assetIds: $a) { items { totalCount } } }",
      {
        c: id,
        a: [w.assets.frog],
      },
    );
    expect(rem.data?.removeFromCollection).toEqual({ items: { totalCount: 1 } });
    const upd = await h.gql(
      arch(),
      'mutation($c: ID!) { updateCollection(id: $c, input: {name: "Wet"}) { name description } }',
      { c: id },
    );
    expect(upd.data?.updateCollection).toEqual({ name: "Wet", description: "wet" });
    const one = await h.gql(arch(), "query($c: ID!) { collection(id: $c) { name } }", { c: id });
    expect(one.data).toEqual({ collection: { name: "Wet" } });
    expect(
      (await h.gql(arch(), "mutation($c: ID!) { deleteCollection(id: $c) { deletedId } }", { c: id })).data,
    ).toEqual({
      deleteCollection: { deletedId: id },
    });
    expect(codeOf(await h.gql(arch(), "mutation($c: ID!) { deleteCollection(id: $c) { deletedId } }", { c: id }))).toBe(
      "NOT_FOUND",
    );
  });

  it("deleteAudio removes the asset and its segments", async () => {
    const { seedAsset } = await import("@earshot/search/testing");
    const id = await seedAsset(h.pool, w.a.id, { title: "to delete" });
    expect((await h.gql(arch(), "mutation($id: ID!) { deleteAudio(id: $id) { deletedId } }", { id })).data).toEqual({
      deleteAudio: { deletedId: id },
    });
    expect((await h.gql(arch(), "query($id: ID!) { audio(id: $id) { id } }", { id })).data).toEqual({ audio: null });
    expect(codeOf(await h.gql(arch(), "mutation($id: ID!) { deleteAudio(id: $id) { deletedId } }", { id }))).toBe(
      "NOT_FOUND",
    );
  });

  it("createUploadBatch and uploadBatch with per-file progress", async () => {
    const r = await h.gql<{ createUploadBatch: { id: string; uploadUrl: string; status: string } }>(
      { bearer: w.keys.ingest.bearer },
      'mutation { createUploadBatch(input: {source: "field recordings"}) { id uploadUrl status source } }',
    );
    const batch = r.data?.createUploadBatch as { id: string; uploadUrl: string; status: string };
    expect(batch).toMatchObject({ status: "OPEN", uploadUrl: `/v1/uploads/${batch.id}/files` });
    await h.pool.query(
      `INSERT INTO upload_items (tenant_id, batch_id, filename, status, progress, error_code, error_message) VALUES
       ($1, $2, 'a.wav', 'done', 1, NULL, NULL), ($1, $2, 'b.wav', 'processing', 0.5, NULL, NULL),
       ($1, $2, 'c.txt', 'failed', 0, 'NOT_AUDIO', 'no audio stream')`,
      [w.a.id, batch.id],
    );
    const p = await h.gql(
      { bearer: w.keys.search.bearer },
      `query($id: ID!) { uploadBatch(id: $id) { status source progress { total done processing failed fraction }
         items(first: 2) { edges { node { filename status progress errorCode } } pageInfo { hasNextPage } } } }`,
      { id: batch.id },
    );
    expect(p.data?.uploadBatch).toMatchObject({
      status: "OPEN",
      source: "field recordings",
      progress: { total: 3, done: 1, processing: 1, failed: 1, fraction: 0.8333333333333334 },
      items: { pageInfo: { hasNextPage: true } },
    });
    const failed = await h.gql(
      A_KEY(),
      "query($id: ID!) { uploadBatch(id: $id) { items(status: FAILED) { edges { node { filename errorCode errorMessage } } } } }",
      {
        id: batch.id,
      },
    );
    expect(failed.data?.uploadBatch).toEqual({
      items: { edges: [{ node: { filename: "c.txt", errorCode: "NOT_AUDIO", errorMessage: "no audio stream" } }] },
    });

    // Closing: the batch waits for its last file, then is DONE; a crafted id from elsewhere is NOT_FOUND.
    const close = "mutation($id: ID!) { closeUploadBatch(id: $id) { status } }";
    const closed = await h.gql({ bearer: w.keys.ingest.bearer }, close, { id: batch.id });
    expect(closed.data?.closeUploadBatch).toEqual({ status: "PROCESSING" });
    await h.pool.query(
      "UPDATE upload_items SET status = 'done', progress = 1 WHERE batch_id = $1 AND filename = 'b.wav'",
      [batch.id],
    );
    expect((await h.gql({ bearer: w.keys.ingest.bearer }, close, { id: batch.id })).data?.closeUploadBatch).toEqual({
      status: "DONE",
    });
    expect(codeOf(await h.gql({ bearer: w.keys.ingest.bearer }, close, { id: randomUUID() }))).toBe("NOT_FOUND");
  });
  const A_KEY = () => ({ bearer: w.keys.search.bearer });

  it("API keys: created once with the secret, usable, revocable", async () => {
    const r = await h.gql<{
      createApiKey: { secret: string; apiKey: { id: string; prefix: string; scopes: string[] } };
    }>(
      admin(),
      'mutation { createApiKey(input: {name: "partner", scopes: [SEARCH, SEARCH]}) { secret apiKey { id prefix scopes lastUsedAt revokedAt } } }',
    );
    const { secret, apiKey } = r.data!.createApiKey as {
      secret: string;
      apiKey: { id: string; prefix: string; scopes: string[] };
    };
    expect(secret).toMatch(new RegExp(`^esk_${apiKey.prefix}_`));
    expect(apiKey.scopes).toEqual(["SEARCH"]);
    expect((await h.gql({ bearer: secret }, "{ tenant { slug } }")).data).toEqual({ tenant: { slug: "alpha" } });
    const rv = await h.gql(admin(), "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }", { id: apiKey.id });
    expect((rv.data!.revokeApiKey as { revokedAt: string }).revokedAt).toBeTruthy();
    expect(codeOf(await h.gql({ bearer: secret }, "{ tenant { slug } }"))).toBe("UNAUTHENTICATED");
    expect(codeOf(await h.gql(admin(), 'mutation { createApiKey(input: {name: "x", scopes: []}) { secret } }'))).toBe(
      "BAD_USER_INPUT",
    );
  });

  it("members: invite by link (the invitee sets the password), set role, keep one admin, remove", async () => {
    const inv = await h.gql<{ inviteMember: { link: string; invitation: { email: string; role: string } } }>(
      admin(),
      'mutation { inviteMember(input: {email: "New.Person@example.org", role: ARCHIVIST}) { link invitation { email role } } }',
    );
    const { link, invitation } = inv.data!.inviteMember;
    expect(invitation).toEqual({ email: "new.person@example.org", role: "ARCHIVIST" });
    expect(link).toMatch(/^http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const accepted = await h.gql<{ acceptInvitation: { role: string; user: { id: string } } }>(
      null,
      'mutation($t: String!) { acceptInvitation(input: {token: $t, password: "chosen by me, 2026"}) { role user { id } } }',
      { t: link.split("/").pop() },
    );
    expect(accepted.data?.acceptInvitation.role).toBe("ARCHIVIST");
    const si = await h.gql(
      null,
      'mutation { signIn(input: {email: "new.person@example.org", password: "chosen by me, 2026"}) { role } }',
    );
    expect(si.data).toEqual({ signIn: { role: "ARCHIVIST" } });
    expect(
      codeOf(
        await h.gql(
          admin(),
          'mutation { inviteMember(input: {email: "new.person@example.org", role: VIEWER}) { link } }',
        ),
      ),
    ).toBe("BAD_USER_INPUT");
    const invited = { membership: { user: { id: accepted.data!.acceptInvitation.user.id } } };
    const uid = invited.membership.user.id;
    expect(
      (await h.gql(admin(), "mutation($u: ID!) { setMemberRole(userId: $u, role: ADMIN) { role } }", { u: uid })).data,
    ).toEqual({
      setMemberRole: { role: "ADMIN" },
    });
    expect(
      (await h.gql(admin(), "mutation($u: ID!) { removeMember(userId: $u) { deletedId } }", { u: uid })).data,
    ).toEqual({
      removeMember: { deletedId: uid },
    });
    // The last admin cannot be demoted.
    const lone = await h.gql(
      { cookie: w.users.betaAdmin.cookie },
      "mutation($u: ID!) { setMemberRole(userId: $u, role: VIEWER) { role } }",
      {
        u: w.users.betaAdmin.userId,
      },
    );
    expect(codeOf(lone)).toBe("BAD_USER_INPUT");
  });

  it("startReindex queues one job per tenant", async () => {
    const r1 = await h.gql<{ startReindex: { jobId: string } }>(admin(), "mutation { startReindex { jobId } }");
    const r2 = await h.gql<{ startReindex: { jobId: string } }>(
      { bearer: w.keys.admin.bearer },
      "mutation { startReindex { jobId } }",
    );
    expect(r1.data?.startReindex.jobId).toBe(`reindex-${w.a.id}`);
    expect(r2.data?.startReindex.jobId).toBe(r1.data?.startReindex.jobId);
    expect(await h.queues.reindex.getJob(`reindex-${w.a.id}`)).toBeTruthy();
    const st = await h.gql(admin(), "{ reindexStatus { jobId state progress error } }");
    expect(st.data).toEqual({
      reindexStatus: { jobId: `reindex-${w.a.id}`, state: "WAITING", progress: 0, error: null },
    });
    expect((await h.gql({ bearer: w.keys.beta.bearer }, "{ reindexStatus { jobId } }")).data).toEqual({
      reindexStatus: null,
    });
    expect(codeOf(await h.gql(arch(), "{ reindexStatus { jobId } }"))).toBe("FORBIDDEN");
  });
});

describe("cross-tenant attempts with crafted ids (all refused, nothing leaked)", () => {
  const A = () => ({ bearer: w.keys.admin.bearer });

  it("reads of another tenant's objects come back empty", async () => {
    const r = await h.gql(
      A(),
      `query($a: ID!, $c: ID!, $b: ID!) { audio(id: $a) { id } collection(id: $c) { id } uploadBatch(id: $b) { id } }`,
      { a: w.beta.assetId, c: w.beta.collectionId, b: w.beta.batchId },
    );
    expect(r.data).toEqual({ audio: null, collection: null, uploadBatch: null });
    const list = await h.gql(
      A(),
      "{ audios(first: 100) { edges { node { id title } } } collections(first: 100) { edges { node { name } } } }",
    );
    expect(JSON.stringify(list)).not.toMatch(/SECRET|beta private/);
  });

  it("writes to another tenant's objects are NOT_FOUND and change nothing", async () => {
    const attempts = [
      ['mutation($id: ID!) { updateAudioMetadata(id: $id, input: {title: "pwned"}) { id } }', { id: w.beta.assetId }],
      ["mutation($id: ID!) { deleteAudio(id: $id) { deletedId } }", { id: w.beta.assetId }],
      ['mutation($id: ID!) { updateCollection(id: $id, input: {name: "pwned"}) { id } }', { id: w.beta.collectionId }],
      ["mutation($id: ID!) { deleteCollection(id: $id) { deletedId } }", { id: w.beta.collectionId }],
      [
        "mutation($c: ID!, $a: [ID!]!) { addToCollection(collectionId: $c, assetIds: $a) { id } }",
        { c: w.beta.collectionId, a: [w.assets.rain] },
      ],
      ["mutation($id: ID!) { revokeApiKey(id: $id) { id } }", { id: w.keys.beta.id }],
      ["mutation($u: ID!) { setMemberRole(userId: $u, role: VIEWER) { role } }", { u: w.users.betaAdmin.userId }],
      ["mutation($u: ID!) { removeMember(userId: $u) { deletedId } }", { u: w.users.betaAdmin.userId }],
      ["query($id: ID!) { similarAudio(assetId: $id) { edges { cursor } } }", { id: w.beta.assetId }],
    ] as const;
    for (const [q, vars] of attempts) {
      const r = await h.gql(A(), q, vars);
      expect(codeOf(r), q).toBe("NOT_FOUND");
      expect(JSON.stringify(r)).not.toMatch(/SECRET|beta/);
    }
    // Own collection, foreign asset.
    const own = await h.gql<{ createCollection: { id: string } }>(
      A(),
      'mutation { createCollection(input: {name: "mine"}) { id } }',
    );
    const mixed = await h.gql(
      A(),
      "mutation($c: ID!, $a: [ID!]!) { addToCollection(collectionId: $c, assetIds: $a) { id } }",
      {
        c: own.data?.createCollection.id,
        a: [w.assets.rain, w.beta.assetId],
      },
    );
    expect(codeOf(mixed)).toBe("NOT_FOUND");
    const { rows } = await h.pool.query("SELECT title FROM audio_assets WHERE id = $1", [w.beta.assetId]);
    expect(rows).toEqual([{ title: "SECRET beta rain recording" }]);
    const { rows: keys } = await h.pool.query("SELECT revoked_at FROM api_keys WHERE id = $1", [w.keys.beta.id]);
    expect(keys[0].revoked_at).toBeNull();
  });

  it("vector search never returns another tenant's segments, even when they are the nearest", async () => {
    // Beta's asset has the exact query vector; alpha's similar search must skip it and still fill its page.
    const r = await h.gql<{ similarAudio: { edges: Array<{ node: { asset: { id: string; title: string } } }> } }>(
      A(),
      "query($id: ID!) { similarAudio(assetId: $id, first: 10) { edges { node { asset { id title } } } } }",
      { id: w.assets.frog },
    );
    const ids = r.data?.similarAudio.edges.map((e) => e.node.asset.id) ?? [];
    expect(ids.length).toBe(2);
    expect(ids).not.toContain(w.beta.assetId);
  });
});

describe("limits and errors", () => {
  const A = () => ({ bearer: w.keys.search.bearer });

  it("first at most 100, query text at most 1000 characters", async () => {
    expect(codeOf(await h.gql(A(), "{ audios(first: 101) { totalCount } }"))).toBe("BAD_USER_INPUT");
    expect(codeOf(await h.gql(A(), "{ audios(first: 0) { totalCount } }"))).toBe("BAD_USER_INPUT");
    expect(
      codeOf(
        await h.gql(A(), "query($q: String!) { searchAudio(query: $q, mode: METADATA) { edges { cursor } } }", {
          q: "x".repeat(1001),
        }),
      ),
    ).toBe("BAD_USER_INPUT");
    expect(codeOf(await h.gql(A(), 'query { audio(id: "not-a-uuid") { id } }'))).toBe("BAD_USER_INPUT");
  });

  it("answers parse and validation errors with Apollo's codes and 400, without stack traces", async () => {
    const cases: Array<[string, string]> = [
      ["{ audios {", "GRAPHQL_PARSE_FAILED"],
      ["{ nope }", "GRAPHQL_VALIDATION_FAILED"],
      ["{ searchAudio(query: 1) { edges { cursor } } }", "GRAPHQL_VALIDATION_FAILED"],
    ];
    for (const [q, code] of cases) {
      const r = await h.gql(A(), q);
      expect(codeOf(r)).toBe(code);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r)).not.toMatch(/stacktrace|node_modules/);
    }
  });
});
