// `pnpm db:migrate`: applies pending migrations as the owner (DATABASE_OWNER_URL, else DATABASE_URL) and creates the
// application's login roles named by DATABASE_API_URL (the API) and DATABASE_WORKER_URL (worker and CLI).
import { loadConfig } from "@earshot/config";
import { openDatabase, provisionLogins, redactUrl } from "./database.ts";

try {
  const config = loadConfig();
  const db = await openDatabase({ ...config, DATABASE_URL: config.DATABASE_OWNER_URL ?? config.DATABASE_URL });
  if (!db.embedded) for (const login of await provisionLogins(db.url, config)) console.log(`login role ${login} ready`);
  console.log(`database up to date: ${redactUrl(db.url)}`);
  await db.stop();
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exit(1);
}
