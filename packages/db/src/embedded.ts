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
  keepExtendedQueriesTogether(server);
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

/** The parts of pglite-socket's (private) query queue that keepExtendedQueriesTogether replaces. */
interface SocketQueue {
  db: PGlite;
  queue: Array<{
    handlerId: number;
    message: Uint8Array;
    onData(data: Uint8Array): void;
    resolve(bytes: number): void;
    reject(err: Error): void;
  }>;
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Extended-protocol messages that leave an unnamed statement or portal pending until the client's Sync. */
const EXTENDED = new Set(["P", "B", "D", "E", "C", "H"]);

/**
 * pglite-socket 0.2.17 (pinned) runs one protocol message at a time from any client and keeps only open
 * transactions together, so two clients' Parse/Bind/Execute/Sync sequences interleave and clobber each other's
 * unnamed statement ("unnamed prepared statement does not exist", "portal does not exist"); and after a failed
 * message its queue never runs again, which hung every process on the embedded database. This replaces its loop: a
 * client that has begun an extended-protocol sequence (or a transaction) keeps PGlite until its Sync (or the
 * transaction's end), and a failed message fails only its own query.
 */
function keepExtendedQueriesTogether(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue: SocketQueue }).queryQueue;
  let owner: number | null = null;
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId) => {
    if (owner === handlerId) owner = null;
    clear(handlerId);
  };
  q.processQueue = async function (this: SocketQueue) {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const held = owner ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const i = held === null ? 0 : this.queue.findIndex((x) => x.handlerId === held);
        if (i === -1) break; // the holder's next message will restart the loop
        const query = this.queue.splice(i, 1)[0]!;
        const type = String.fromCharCode(query.message[0] ?? 0);
        if (EXTENDED.has(type)) owner = query.handlerId;
        else if (type === "S") owner = null;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(query.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                query.onData(data);
              },
            }),
          );
          query.resolve(bytes);
        } catch (err) {
          query.reject(err as Error);
        }
        this.lastHandlerId = query.handlerId;
      }
    } finally {
      this.processing = false;
    }
  };
}
