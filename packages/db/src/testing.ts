import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "./migrate.ts";

/** The server tests create their throwaway databases on (trust auth on this machine and in CI). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty database with a unique name (migrated unless migrate: false); drop() removes it. */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `earshot_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  if (opts.migrate !== false) {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await migrate(client);
    } finally {
      await client.end();
    }
  }
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
