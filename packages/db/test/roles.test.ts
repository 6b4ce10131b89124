// Issue 18.3: the application's own login roles cannot reach another tenant's rows, whatever SQL they run.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pool, toVectorLiteral, withTenant, withTransaction } from "../src/index.ts";
import { createTestPools, type TestPools, withApiTenant } from "../src/testing.ts";

let t: TestPools;
let owner: Pool;
let api: Pool;
let worker: Pool;
const tenants: Record<"a" | "b", { id: string; asset: string }> = {} as never;

/** What a credential check gives the API: a ticket for the tenant (minted here by the owner). */
async function ticketFor(tenantId: string): Promise<string> {
  const { rows } = await owner.query<{ t: string }>("SELECT earshot_tenant_ticket($1) AS t", [tenantId]);
  return rows[0]!.t;
}

const asApi = <T>(tenantId: string, fn: (c: pg.PoolClient) => Promise<T>) => withApiTenant(owner, api, tenantId, fn);

const assetIds = async (c: pg.PoolClient) =>
  (await c.query<{ id: string }>("SELECT id FROM audio_assets ORDER BY id")).rows.map((r) => r.id);

beforeAll(async () => {
  t = await createTestPools();
  ({ owner, api, worker } = t);
  for (const key of ["a", "b"] as const) {
    const { rows } = await worker.query<{ id: string }>(
      "INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id",
      [`roles-${key}`],
    );
    const id = rows[0]!.id;
    const asset = await withTenant(worker, id, async (c) => {
      const r = await c.query<{ id: string }>(
        `INSERT INTO audio_assets (tenant_id, storage_key, sha256, original_filename, mime)
         VALUES ($1, $2, $2, 'x.wav', 'audio/wav') RETURNING id`,
        [id, `sha-${key}`],
      );
      return r.rows[0]!.id;
    });
    tenants[key] = { id, asset };
  }
});
afterAll(() => t.close());

describe("the application's login roles", () => {
  it("are not superuser, own no table and cannot bypass row-level security", async () => {
    for (const pool of [api, worker]) {
      const { rows } = await pool.query(
        `SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
                (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned
           FROM pg_roles r WHERE r.rolname = current_user`,
      );
      expect(rows[0]).toEqual({
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
        owned: 0,
      });
    }
  });

  it("FORCE row-level security on every tenant table and on tenants, users, sessions and password_resets", async () => {
    const { rows } = await owner.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
        WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
          AND (c.relname IN ('tenants', 'users', 'sessions', 'password_resets')
               OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'))`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(13);
    expect(rows.map((r) => r.relname)).toEqual(expect.arrayContaining(["invitations", "password_resets"]));
    for (const r of rows) expect(r, r.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    // Tables added before the roles migration (invitations) got the ticket-checked policy too, not the old one.
    const { rows: policies } = await owner.query<{ tablename: string; qual: string }>(
      "SELECT tablename, qual FROM pg_policies WHERE policyname = 'tenant_isolation'",
    );
    for (const p of policies) expect(p.qual, p.tablename).toContain("SELECT earshot_current_tenant()");
    expect(policies.map((p) => p.tablename)).toContain("invitations");
  });

  it("give the owner's definer functions a policy on every forced table they read (a non-superuser owner)", async () => {
    const { rows } = await owner.query<{ tablename: string }>(
      "SELECT tablename FROM pg_policies WHERE policyname = 'definer_access' ORDER BY tablename",
    );
    expect(rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(["invitations", "password_resets", "sessions", "upload_items", "users"]),
    );
  });

  it("RESET ROLE inside a tenant transaction still shows only that tenant (API and worker logins)", async () => {
    const viaApi = await asApi(tenants.a.id, async (c) => {
      await c.query("RESET ROLE");
      return assetIds(c);
    });
    expect(viaApi).toEqual([tenants.a.asset]);
    const viaWorker = await withTenant(worker, tenants.a.id, async (c) => {
      await c.query("RESET ROLE");
      return assetIds(c);
    });
    expect(viaWorker).toEqual([tenants.a.asset]);
    // Nor can the login become anyone more powerful.
    await expect(asApi(tenants.a.id, (c) => c.query("SET ROLE postgres"))).rejects.toThrow(/permission denied/);
    await expect(asApi(tenants.a.id, (c) => c.query("SET ROLE earshot_internal"))).rejects.toThrow(/permission denied/);
  });

  it("setting earshot.tenant_id by hand gives no rows of the other tenant", async () => {
    const forge = (value: string) =>
      withTransaction(api, async (c) => {
        await c.query("SELECT set_config('earshot.tenant_id', $1, true)", [value]);
        return assetIds(c);
      });
    await expect(forge(tenants.b.id)).rejects.toThrow(/not set by earshot_enter_tenant/);
    await expect(forge(`${tenants.b.id}:${"0".repeat(64)}`)).rejects.toThrow(/not set by earshot_enter_tenant/);
    // A real proof copied out of one of B's transactions is dead in the next one.
    const proof = await asApi(tenants.b.id, async (c) => {
      const { rows } = await c.query<{ v: string }>("SELECT current_setting('earshot.tenant_id') AS v");
      return rows[0]!.v;
    });
    await expect(forge(proof)).rejects.toThrow(/not set by earshot_enter_tenant/);
    // Inside A's own transaction, switching the setting to B does not reach B either.
    const switched = asApi(tenants.a.id, async (c) => {
      await c.query("SELECT set_config('earshot.tenant_id', $1, true)", [tenants.b.id]);
      return assetIds(c);
    });
    await expect(switched).rejects.toThrow(/not set by earshot_enter_tenant/);
    // Outside any tenant the API login sees no tenant rows at all.
    expect(await withTransaction(api, assetIds)).toEqual([]);
  });

  it("the API login enters a tenant only with that tenant's valid ticket; the worker's login may enter any", async () => {
    const enter = (tenantId: string, ticket: string | null) =>
      api.query("BEGIN; SELECT earshot_enter_tenant($1, $2); ROLLBACK".split(";")[1]!, [tenantId, ticket]);
    await expect(enter(tenants.b.id, null)).rejects.toThrow(/needs a ticket/);
    const ticketA = await ticketFor(tenants.a.id);
    await expect(enter(tenants.b.id, ticketA)).rejects.toThrow(/invalid tenant ticket/);
    const [, expiry, sig] = ticketA.split(".");
    await expect(enter(tenants.a.id, `${tenants.a.id}.${Number(expiry) + 3600}.${sig}`)).rejects.toThrow(
      /invalid or expired/,
    );
    await expect(enter(tenants.a.id, `${tenants.a.id}.1.${sig}`)).rejects.toThrow(/invalid or expired/);
    // Without a ticket held for the request, withTenant in the API fails closed.
    await expect(withTenant(api, tenants.a.id, assetIds)).rejects.toThrow(/needs a ticket/);
    expect(await withTenant(worker, tenants.b.id, assetIds)).toEqual([tenants.b.asset]);
  });

  it("the API login reads no secret, session, password hash or key hash, and runs no owner-only function", async () => {
    const denied = [
      "SELECT * FROM earshot_secret",
      "SELECT * FROM sessions",
      "SELECT password_hash FROM users",
      "SELECT hash FROM api_keys",
      "SELECT earshot_sign('ticket', 'x')",
      `SELECT earshot_tenant_ticket('${tenants.b.id}')`,
      "SELECT earshot_api_key_tenant('000000000000')",
      "SELECT earshot_ensure_segment_index(gen_random_uuid())",
      "INSERT INTO tenants (slug, name) VALUES ('evil', 'evil')",
      "UPDATE tenants SET name = 'x'",
      "CREATE TABLE evil (id int)",
      "INSERT INTO sessions (user_id, token_hash, expires_at) SELECT id, 'x', now() + interval '1 day' FROM users",
      "UPDATE users SET password_hash = 'x'",
    ];
    for (const sql of denied) await expect(api.query(sql), sql).rejects.toThrow(/permission denied/);
  });

  it("signs in only with the password: the API login never reads a hash and cannot make a session without it", async () => {
    const email = "roles-user@example.org";
    // scrypt N=16384, r=8, p=1 of "right password" under this salt; the database keeps the key, never hands it out.
    const salt = "c2FsdHNhbHRzYWx0c2FsdA";
    const key = "QI7P_O1n-jSyUclftytin2h991pHrn_I7JHqoQIq31o";
    await owner.query("INSERT INTO users (email, name, password_hash) VALUES ($1, 'U', $2)", [
      email,
      `scrypt$16384$8$1$${salt}$${key}`,
    ]);
    const params = async (e: string) =>
      (await api.query<{ p: string }>("SELECT earshot_password_params($1) AS p", [e])).rows[0]!.p;
    expect(await params(email)).toBe(`scrypt$16384$8$1$${salt}`);
    // An unknown email gets a fake salt of the same shape, the same every time: nothing tells the two apart.
    const unknown = await params("nobody@example.org");
    expect(unknown).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}$/);
    expect(await params("nobody@example.org")).toBe(unknown);
    const signIn = (derived: string) =>
      api.query("SELECT * FROM earshot_sign_in($1, $2, $3, now() + interval '1 hour')", [email, derived, "t-hash"]);
    expect((await signIn("wrong-key")).rows).toEqual([]);
    expect((await signIn(key)).rows).toHaveLength(1);
    const sessions = await owner.query("SELECT count(*)::int AS n FROM sessions WHERE token_hash = 't-hash'");
    expect(sessions.rows[0].n).toBe(1);
  });

  it("keeps the tenant check an InitPlan, and content search on the HNSW index, under the API's role", async () => {
    const { rows } = await worker.query<{ id: string }>(
      "INSERT INTO model_versions (name, version, dim) VALUES ('roles', '1', 4) RETURNING id",
    );
    const model = rows[0]!.id;
    await worker.query("SELECT earshot_ensure_segment_index($1)", [model]);
    for (const key of ["a", "b"] as const) {
      await withTenant(worker, tenants[key].id, (c) =>
        c.query(
          `INSERT INTO segments (tenant_id, asset_id, model_version_id, start_s, end_s, embedding)
           SELECT $1, $2, $3, i, i + 1, $4::vector FROM generate_series(1, 200) i`,
          [tenants[key].id, tenants[key].asset, model, toVectorLiteral([1, 0, 0, 0])],
        ),
      );
    }
    const plan = await asApi(tenants.a.id, async (c) => {
      await c.query("SET LOCAL enable_sort = off");
      const r = await c.query(
        `EXPLAIN SELECT s.asset_id FROM segments s WHERE s.model_version_id = $1
          ORDER BY (s.embedding::vector(4)) <#> $2::vector(4) LIMIT 10`,
        [model, "[1,0,0,0]"],
      );
      return r.rows.map((x) => x["QUERY PLAN"]).join("\n");
    });
    expect(plan).toMatch(/Index Scan using segments_hnsw_/);
    expect(plan).toMatch(/InitPlan/);
    expect(plan).not.toMatch(/SubPlan/);
  });
});
