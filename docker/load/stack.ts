// Starts Earshot's processes (embedder, worker, api) on loopback with the commands `pnpm start` uses, against a
// throwaway database and queue prefix, for the load test. Everything it starts it stops.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { services } from "../../scripts/services.ts";

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export interface Stack {
  db: TestDatabase;
  apiUrl: string;
  env: NodeJS.ProcessEnv;
  /** Last lines each process printed (for error reports). */
  tail(name: string): string;
  stop(): Promise<void>;
}

async function waitHealthy(name: string, url: string, child: ChildProcess, out: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${out.join("").slice(-2000)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} not ready at ${url}:\n${out.join("").slice(-2000)}`);
}

export async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  // Migrated with its login roles (compose's migrate service); the API and the worker each use their own login.
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "earshot-load-"));
  const ports = { api: await freePort(), embedder: await freePort(), worker: await freePort() };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `earshot-load-${randomUUID().slice(0, 8)}`,
    EARSHOT_DATA_DIR: dataDir,
    API_HOST: "127.0.0.1",
    API_PORT: String(ports.api),
    EMBEDDER_HOST: "127.0.0.1",
    EMBEDDER_PORT: String(ports.embedder),
    EMBEDDER_URL: `http://127.0.0.1:${ports.embedder}`,
    WORKER_METRICS_HOST: "127.0.0.1",
    WORKER_METRICS_PORT: String(ports.worker),
    MEDIA_SIGNING_SECRET: randomUUID() + randomUUID(),
    ...extraEnv,
  };
  const children = new Map<string, { child: ChildProcess; out: string[] }>();
  const stop = async () => {
    for (const name of ["api", "worker", "embedder"]) {
      const entry = children.get(name);
      if (!entry || entry.child.exitCode !== null) continue;
      const exited = new Promise((r) => entry.child.once("exit", r));
      entry.child.kill("SIGTERM");
      const timer = setTimeout(() => entry.child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await db.drop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const name of ["embedder", "worker", "api"]) {
      const spec = services.find((s) => s.name === name);
      if (!spec) throw new Error(`no ${name} in scripts/services.ts`);
      const [cmd, ...args] = spec.command;
      const own = { ...env, DATABASE_URL: name === "api" ? db.apiUrl : db.url };
      const child = spawn(cmd as string, args, { cwd: repoRoot, env: own, stdio: ["ignore", "pipe", "pipe"] });
      const out: string[] = [];
      for (const s of [child.stdout, child.stderr]) s?.on("data", (d) => out.push(String(d)));
      children.set(name, { child, out });
      const url = spec.ready?.(env) ?? `http://127.0.0.1:${ports.worker}/healthz`;
      await waitHealthy(name, url, child, out, 120_000);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    db,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    env,
    tail: (name) => (children.get(name)?.out.join("") ?? "").slice(-2000),
    stop,
  };
}
