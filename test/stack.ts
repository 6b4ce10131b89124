// The whole product for an end-to-end test: embedder, worker, API and web UI as real processes (exactly the commands
// `pnpm start` runs) on free ports, over a fresh Postgres database, a unique Redis key prefix and temp storage.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { addMembership, createUser } from "@earshot/auth";
import { repoRoot } from "@earshot/config";
import { createPool, type Pool } from "@earshot/db";
import { createTestDatabase } from "@earshot/db/testing";
import { Redis } from "ioredis";

export interface Stack {
  webUrl: string;
  apiUrl: string;
  pool: Pool;
  tenant: { id: string; slug: string; name: string };
  /** A second archive the admin may switch to (as a viewer). */
  otherTenant: { id: string; slug: string; name: string };
  admin: { email: string; password: string; name: string };
  /** Everything the processes printed (for failure messages). */
  logs(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, name: string, timeoutMs: number, logs: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${logs()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs / 1000}s:\n${logs()}`);
}

/** `search: false` leaves out the embedder and worker (pages that never search or ingest, e.g. accounts). */
export async function startStack(opts: { search?: boolean } = {}): Promise<Stack> {
  const db = await createTestDatabase();
  // The tests seed and inspect as the owner; the processes log in as their own roles, as in production.
  const pool = createPool(db.ownerUrl, 4);
  const prefix = `earshot-e2e-${randomBytes(4).toString("hex")}`;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "earshot-e2e-"));
  const [apiPort, embedderPort, webPort, metricsPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;

  const slug = `e2e-${randomBytes(3).toString("hex")}`;
  const { rows } = await pool.query<{ id: string }>("INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id", [
    slug,
    "Sound Library",
  ]);
  const tenant = { id: rows[0]!.id, slug, name: "Sound Library" };
  const admin = { email: `admin-${slug}@example.org`, password: "listen closely, 2026", name: "Ada Archivist" };
  const user = await createUser(pool, admin);
  await addMembership(pool, tenant.id, user.id, "admin");
  const other = await pool.query<{ id: string }>("INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id", [
    `${slug}-b`,
    "Radio Drama Archive",
  ]);
  const otherTenant = { id: other.rows[0]!.id, slug: `${slug}-b`, name: "Radio Drama Archive" };
  await addMembership(pool, otherTenant.id, user.id, "viewer");

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: prefix,
    EARSHOT_DATA_DIR: dataDir,
    STORAGE_DIR: path.join(dataDir, "storage"),
    API_HOST: "127.0.0.1",
    API_PORT: String(apiPort),
    API_METRICS_PORT: "0", // any free port: several stacks may run at once
    EMBEDDER_HOST: "127.0.0.1",
    EMBEDDER_PORT: String(embedderPort),
    EMBEDDER_URL: `http://127.0.0.1:${embedderPort}`,
    EMBEDDER_THREADS: "1",
    WORKER_METRICS_PORT: String(metricsPort),
    WORKER_CONCURRENCY: "2",
    MEDIA_SIGNING_SECRET: randomBytes(32).toString("hex"),
    WEB_HOST: "127.0.0.1",
    WEB_PORT: String(webPort),
    WEB_ORIGIN: webUrl,
    WEB_API_ORIGIN: apiUrl,
    LOG_LEVEL: "warn",
  };

  const children: ChildProcess[] = [];
  let output = "";
  const logs = () => output.slice(-8000);
  const start = (name: string, script: string, databaseUrl?: string) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: repoRoot,
      env: databaseUrl ? { ...env, DATABASE_URL: databaseUrl } : env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const s of [child.stdout, child.stderr]) s?.on("data", (d: Buffer) => (output += `[${name}] ${d.toString()}`));
    children.push(child);
    return child;
  };

  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once("exit", () => resolve());
            c.kill("SIGTERM");
            setTimeout(() => c.kill("SIGKILL"), 5000).unref();
          }),
      ),
    );
    const redis = new Redis(env.REDIS_URL as string);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await pool.end();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    // The web build (when sources changed) overlaps with the model loading.
    const web = start("web", "apps/web/scripts/serve.ts");
    if (opts.search !== false) {
      const embedder = start("embedder", "apps/embedder/src/main.ts");
      await waitFor(`${env.EMBEDDER_URL}/readyz`, embedder, "embedder", 120_000, logs);
      start("worker", "apps/worker/src/main.ts");
    }
    const api = start("api", "apps/api/src/main.ts", db.apiUrl);
    await waitFor(`${apiUrl}/healthz`, api, "api", 60_000, logs);
    await waitFor(`${webUrl}/healthz`, web, "web", 240_000, logs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { webUrl, apiUrl, pool, tenant, otherTenant, admin, logs, stop };
}
