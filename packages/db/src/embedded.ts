import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (WASM Postgres with pgvector) persisted under dataDir and serves it over the Postgres
 * wire protocol on 127.0.0.1:port, so every process connects to it like to a real server.
 * PGlite is a single session: the socket server multiplexes clients and runs their transactions one at a time.
 */
export async function startEmbeddedDatabase(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const dir = path.join(dataDir, "pglite");
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 64 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new Error(
        `port ${port} is taken: another Earshot may be running; stop it or set EMBEDDED_DB_PORT to a free port`,
      );
    }
    throw err;
  }
  const actualPort = (server as unknown as { port?: number }).port ?? port;
  return {
    url: `postgresql://postgres@127.0.0.1:${actualPort}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
