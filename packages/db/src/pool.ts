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

/**
 * Runs fn in a transaction as the row-level-security role earshot_app with the tenant set, so Postgres
 * itself hides every other tenant's rows, whatever the query says.
 */
export async function withTenant<T>(
  pool: pg.Pool,
  tenantId: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  if (!UUID.test(tenantId)) throw new RangeError("tenantId must be a UUID");
  return withTransaction(pool, async (client) => {
    await client.query("SELECT set_config('earshot.tenant_id', $1, true)", [tenantId]);
    await client.query("SET LOCAL ROLE earshot_app");
    return fn(client);
  });
}
