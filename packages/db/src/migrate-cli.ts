// `pnpm db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
import { loadConfig } from "@earshot/config";
import { openDatabase, redactUrl } from "./database.ts";

try {
  const db = await openDatabase(loadConfig());
  console.log(`database up to date: ${redactUrl(db.url)}`);
  await db.stop();
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exit(1);
}
