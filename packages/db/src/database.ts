import type { Config } from "@earshot/config";
import pg from "pg";
import { startEmbeddedDatabase } from "./embedded.ts";
import { migrate } from "./migrate.ts";
import { type LoginGroup, provisionLoginRole } from "./roles.ts";

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

type DatabaseConfig = Pick<Config, "DATABASE_URL" | "DATABASE_OWNER_URL" | "EARSHOT_DATA_DIR" | "EMBEDDED_DB_PORT">;

/**
 * As the owner, creates (or brings into line) the login roles named by DATABASE_API_URL (group earshot_app) and
 * DATABASE_WORKER_URL (earshot_internal); returns "role (group)" for each.
 */
export async function provisionLogins(
  ownerUrl: string,
  config: Pick<Config, "DATABASE_API_URL" | "DATABASE_WORKER_URL">,
): Promise<string[]> {
  const logins = [
    [config.DATABASE_API_URL, "earshot_app"],
    [config.DATABASE_WORKER_URL, "earshot_internal"],
  ] as const;
  const done: string[] = [];
  if (!logins.some(([url]) => url)) return done;
  await withClient(ownerUrl, async (owner) => {
    for (const [url, group] of logins) {
      if (url) done.push(`${await provisionLoginRole(owner, url, group)} (${group})`);
    }
  });
  return done;
}

/**
 * The database this installation uses: DATABASE_URL when set, else the embedded PGlite server (started here).
 * Pending migrations are applied with DATABASE_OWNER_URL when set (which also creates DATABASE_URL's login role in
 * `group`), else with DATABASE_URL itself: a single-URL setup where the process logs in as the owner (development;
 * docs/deploy.md). A process whose login is not the owner starts only on an up-to-date schema.
 */
export async function openDatabase(config: DatabaseConfig, group: LoginGroup = "earshot_app") {
  let handle: DatabaseHandle;
  if (config.DATABASE_URL) {
    handle = { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  } else {
    const db = await startEmbeddedDatabase(config.EARSHOT_DATA_DIR, config.EMBEDDED_DB_PORT);
    handle = { url: db.url, embedded: true, stop: db.stop };
  }
  const ownerUrl = (!handle.embedded && config.DATABASE_OWNER_URL) || handle.url;
  try {
    await withClient(ownerUrl, async (client) => {
      try {
        await migrate(client);
      } catch (err) {
        if ((err as { code?: string }).code !== "42501") throw err;
        throw new Error(
          `the database schema is not up to date and ${redactUrl(ownerUrl)} may not migrate it: run \`pnpm db:migrate\` with DATABASE_OWNER_URL set to the owner's URL`,
        );
      }
      if (ownerUrl !== handle.url) await provisionLoginRole(client, handle.url, group);
    });
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

async function withClient(url: string, fn: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect().catch((err: Error) => {
    throw new Error(`cannot connect to the database at ${redactUrl(url)}: ${err.message}`);
  });
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}
