import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

export type { PoolClient } from "pg";
export type Pool = pg.Pool;

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client dying (server restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

/** pgvector's text form: '[1,2,3]'. */
export function toVectorLiteral(v: ArrayLike<number>): string {
  const parts = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!Number.isFinite(x)) throw new RangeError(`vector component ${i} is not finite`);
    parts[i] = String(x);
  }
  return `[${parts.join(",")}]`;
}

export function parseVector(text: string): number[] {
  return text.slice(1, -1).split(",").map(Number);
}

/** Runs fn inside one transaction on one client; rolls back when it throws. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Tenant tickets of the current request: minted by the database's identity functions after a credential check
// (session token, API key) and presented by withTenant. The API runs each request in runWithTenantTickets.
const tickets = new AsyncLocalStorage<Map<string, string>>();

/** Runs fn with an empty ticket holder; tickets held inside it are seen by every withTenant fn awaits. */
export function runWithTenantTickets<T>(fn: () => T): T {
  return tickets.run(new Map(), fn);
}

/** Keeps a tenant ticket for the rest of the current runWithTenantTickets scope. */
export function holdTenantTicket(tenantId: string, ticket: string | null | undefined): void {
  if (ticket) tickets.getStore()?.set(tenantId, ticket);
}

/**
 * Runs fn in a transaction inside the tenant: earshot_enter_tenant checks this request's ticket for the tenant (or,
 * without one, that the login is trusted: the worker's and the CLI's role) and sets a proof only it can mint, so
 * Postgres itself hides every other tenant's rows, whatever the query says. A superuser login (the embedded
 * database, a single-URL development setup) drops to earshot_internal for the transaction so the policies apply.
 */
export async function withTenant<T>(
  pool: pg.Pool,
  tenantId: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  if (!UUID.test(tenantId)) throw new RangeError("tenantId must be a UUID");
  const ticket = tickets.getStore()?.get(tenantId) ?? null;
  return withTransaction(pool, async (client) => {
    await client.query(
      `SELECT earshot_enter_tenant($1, $2),
              CASE WHEN current_setting('is_superuser') = 'on' THEN set_config('role', 'earshot_internal', true) END`,
      [tenantId, ticket],
    );
    return fn(client);
  });
}
