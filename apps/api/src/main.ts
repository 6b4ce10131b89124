import { loadConfig } from "@earshot/config";
import { createPool, openDatabase } from "@earshot/db";
import { createLogger } from "@earshot/log";
import { buildServer } from "./server.ts";

const logger = createLogger("api");
const config = loadConfig();
const db = await openDatabase(config);
const pool = createPool(db.url);
const app = await buildServer({ pool, logger });
await app.listen({ host: config.API_HOST, port: config.API_PORT });

async function shutdown() {
  await app.close();
  await pool.end();
  await db.stop();
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
