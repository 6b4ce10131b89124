import type { Config } from "@earshot/config";
import { startEmbeddedDatabase } from "./embedded.ts";
import { migrate } from "./migrate.ts";
import { createPool } from "./pool.ts";

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The database this installation uses: DATABASE_URL when set, else the embedded PGlite server
 * (started here). Migrations are applied either way, so both paths run the same schema.
 */
export async function openDatabase(config: Pick<Config, "DATABASE_URL" | "EARSHOT_DATA_DIR" | "EMBEDDED_DB_PORT">) {
  let handle: DatabaseHandle;
  if (config.DATABASE_URL) {
    handle = { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  } else {
    const db = await startEmbeddedDatabase(config.EARSHOT_DATA_DIR, config.EMBEDDED_DB_PORT);
    handle = { url: db.url, embedded: true, stop: db.stop };
  }
  const pool = createPool(handle.url, 1);
  try {
    const client = await pool.connect().catch((err: Error) => {
      throw new Error(`cannot connect to the database at ${redactUrl(handle.url)}: ${err.message}`);
    });
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    await handle.stop();
    throw err;
  }
  await pool.end();
  return handle;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}
