// `pnpm db:migrate`: applies pending migrations as the owner (DATABASE_OWNER_URL, else DATABASE_URL) and creates the
// application's login roles named by DATABASE_API_URL (the API) and DATABASE_WORKER_URL (worker and CLI).
import { loadConfig } from "@earshot/config";
import pg from "pg";
import { openDatabase, redactUrl } from "./database.ts";
import { provisionLoginRole } from "./roles.ts";

try {
  const config = loadConfig();
  const db = await openDatabase({ ...config, DATABASE_URL: config.DATABASE_OWNER_URL ?? config.DATABASE_URL });
  const logins = [
    [config.DATABASE_API_URL, "earshot_app"],
    [config.DATABASE_WORKER_URL, "earshot_internal"],
  ] as const;
  if (!db.embedded && logins.some(([url]) => url)) {
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      for (const [url, group] of logins) {
        if (url) console.log(`login role ${await provisionLoginRole(owner, url, group)} (${group}) ready`);
      }
    } finally {
      await owner.end();
    }
  }
  console.log(`database up to date: ${redactUrl(db.url)}`);
  await db.stop();
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exit(1);
}
