import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "./migrate.ts";
import { holdTenantTicket, runWithTenantTickets, withTenant } from "./pool.ts";
import { provisionLoginRole } from "./roles.ts";

/** The server tests create their throwaway databases on (trust auth on this machine and in CI). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** Login roles the tests' processes use, shared by every test database (roles are cluster-wide). */
export const TEST_API_LOGIN = "earshot_api";
export const TEST_WORKER_LOGIN = "earshot_worker";

export interface TestDatabase {
  /** The worker's and CLI's login (earshot_internal: enters any tenant, under row-level security). */
  url: string;
  /** The API's login (earshot_app: enters a tenant only with a ticket from a credential check). */
  apiUrl: string;
  /** The owner that migrated it (the test server's superuser): for seeding and inspecting across tenants. */
  ownerUrl: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database with a unique name the way production does (unless migrate: false): the owner migrates
 * it and creates the login roles; `url` and `apiUrl` log in as those roles; drop() removes it.
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `earshot_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const at = (user: string | null) => {
    const url = new URL(TEST_SERVER_URL);
    url.pathname = `/${name}`;
    if (user) url.username = user;
    return url.toString();
  };
  const ownerUrl = at(null);
  const db = { url: at(TEST_WORKER_LOGIN), apiUrl: at(TEST_API_LOGIN), ownerUrl };
  if (opts.migrate !== false) {
    const client = new pg.Client({ connectionString: ownerUrl });
    await client.connect();
    try {
      await migrate(client);
      await provisionLoginRole(client, db.apiUrl, "earshot_app");
      await provisionLoginRole(client, db.url, "earshot_internal");
    } finally {
      await client.end();
    }
  }
  return {
    ...db,
    name,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * withTenant the way the API does it: with a ticket for the tenant held for the "request". The ticket is minted by
 * the owner here; in the API it comes from the session or API key check.
 */
export async function withApiTenant<T>(
  owner: pg.Pool,
  api: pg.Pool,
  tenantId: string,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const { rows } = await owner.query<{ t: string }>("SELECT earshot_tenant_ticket($1) AS t", [tenantId]);
  return runWithTenantTickets(async () => {
    holdTenantTicket(tenantId, rows[0]?.t);
    return withTenant(api, tenantId, fn);
  });
}

export interface TestPools {
  db: TestDatabase;
  /** The owner (seeding, inspecting across tenants). */
  owner: pg.Pool;
  /** The API's login. */
  api: pg.Pool;
  /** The worker's and CLI's login. */
  worker: pg.Pool;
  close(): Promise<void>;
}

/** A migrated test database with a pool per role; close() ends them and drops it. */
export async function createTestPools(): Promise<TestPools> {
  const db = await createTestDatabase();
  const pool = (url: string) => new pg.Pool({ connectionString: url, max: 4 });
  const pools = { owner: pool(db.ownerUrl), api: pool(db.apiUrl), worker: pool(db.url) };
  return {
    db,
    ...pools,
    async close() {
      await Promise.all(Object.values(pools).map((p) => p.end()));
      await db.drop();
    },
  };
}
