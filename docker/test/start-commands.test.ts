// Each image's start command, run directly on this machine with the container's environment (image ENV +
// docker/compose.yaml, secrets from .env.example filled with test values). Only what differs between a compose
// network and this machine is rewritten: service host names -> loopback, ports -> free ports, volumes -> temp
// dirs. Then the image's own HEALTHCHECK command must pass, and SIGTERM must stop the process cleanly.
// api, worker and embedder run from a re-enacted image file system (assembleImage: build context, the
// Dockerfile's production-only install, then only what the runtime stage copies), so a missing file or a
// dependency that is only a devDependency fails here as it would in the image. The web image needs a Next.js
// build, so web runs from the working tree.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@earshot/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleImage, exampleEnv, IMAGES, loadCompose, readDockerfile, repoRoot } from "./support.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PORT_VARS = { api: "API_PORT", worker: "WORKER_METRICS_PORT", embedder: "EMBEDDER_PORT", web: "WEB_PORT" };
type Service = keyof typeof PORT_VARS;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Running {
  child: ChildProcess;
  output: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  /** The image's WORKDIR on this machine. */
  cwd: string;
}

describe("image start commands run on this machine with the compose environment", () => {
  const compose = loadCompose("compose.yaml", exampleEnv().filled);
  const ports = {} as Record<Service | "apiMetrics", number>;
  const running = new Map<Service, Running>();
  let db: TestDatabase;
  let dataDir: string;
  const queuePrefix = `earshot-docker-test-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // Migrated and with its login roles, as compose's migrate service leaves it; each process logs in as its own role.
    db = await createTestDatabase();
    dataDir = mkdtempSync(path.join(os.tmpdir(), "earshot-docker-"));
    for (const name of [...Object.keys(PORT_VARS), "apiMetrics"] as Array<keyof typeof ports>) {
      ports[name] = await freePort();
    }
  });

  afterAll(async () => {
    for (const { child } of running.values()) if (child.exitCode === null) child.kill("SIGKILL");
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The container's environment with only the compose-network-specific values mapped to this machine. */
  function localEnv(name: Service): NodeJS.ProcessEnv {
    const image = readDockerfile(IMAGES[name]);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...image.env, ...compose.services[name]?.environment })) {
      env[k] = v == null ? "" : String(v);
    }
    const local: Record<string, string> = {
      DATABASE_URL: name === "api" ? db.apiUrl : db.url,
      REDIS_URL,
      EMBEDDER_URL: `http://127.0.0.1:${ports.embedder}`,
      WEB_API_ORIGIN: `http://127.0.0.1:${ports.api}`,
      EARSHOT_DATA_DIR: dataDir,
      STORAGE_DIR: path.join(dataDir, "storage"),
      QUEUE_PREFIX: queuePrefix,
      API_METRICS_PORT: String(ports.apiMetrics),
      [PORT_VARS[name]]: String(ports[name]),
    };
    for (const key of Object.keys(env)) {
      if (key in local) env[key] = local[key] as string;
      if (key.endsWith("_HOST") && env[key] === "0.0.0.0") env[key] = "127.0.0.1"; // loopback only here
    }
    return { ...env, PATH: process.env.PATH, HOME: process.env.HOME };
  }

  /** The directory that is the image's WORKDIR: a re-enacted image, or the working tree for web. */
  function workdir(name: Service): string {
    if (name === "web") return repoRoot;
    return assembleImage(IMAGES[name], mkdtempSync(path.join(dataDir, `image-${name}-`)));
  }

  function healthcheck(name: Service, env: NodeJS.ProcessEnv, cwd: string) {
    const [cmd, ...args] = readDockerfile(IMAGES[name]).healthcheck ?? [];
    return spawnSync(cmd as string, args, { cwd, env, encoding: "utf8", timeout: 10_000 });
  }

  async function start(name: Service, timeoutMs = 90_000): Promise<Running> {
    const image = readDockerfile(IMAGES[name]);
    const [cmd, ...args] = image.cmd ?? [];
    const env = localEnv(name);
    const cwd = workdir(name);
    const child = spawn(cmd as string, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr]) stream?.on("data", (d) => output.push(String(d)));
    const run = { child, output, env, port: ports[name], cwd };
    running.set(name, run);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${name} exited (${child.exitCode}):\n${output.join("").slice(-3000)}`);
      if (healthcheck(name, env, cwd).status === 0) return run;
      if (Date.now() > deadline) throw new Error(`${name} not healthy:\n${output.join("").slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async function stop(name: Service, run: Running) {
    const exited = new Promise<string>((r) => run.child.once("exit", (code, signal) => r(`${code ?? signal}`)));
    run.child.kill("SIGTERM");
    const how = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running"), 15_000))]);
    // 0, or 143 (128 + SIGTERM), which Next.js's server exits with: both are a handled, prompt stop.
    expect(["0", "143"], `${name} after SIGTERM: ${how}\n${run.output.join("").slice(-1500)}`).toContain(how);
  }

  function jsonLogLines(run: Running): Array<Record<string, unknown>> {
    return run.output
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
  }

  async function checkObservability(name: Service, run: Running, path = "/healthz") {
    const base = `http://127.0.0.1:${run.port}`;
    // The API serves /metrics on an internal port of its own, never on the port partners use.
    const metricsBase = name === "api" ? `http://127.0.0.1:${run.env.API_METRICS_PORT}` : base;
    if (name === "api") expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const metrics = await fetch(`${metricsBase}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("process_cpu_user_seconds_total");
    if (name === "worker") return; // no request handling to trace
    const requestId = `docker-test-${randomUUID()}`;
    const res = await fetch(`${base}${path}`, { headers: { "x-request-id": requestId } });
    expect(res.headers.get("x-request-id")).toBe(requestId);
    if (name === "embedder") return; // it logs no per-request lines by design (its /metrics counts requests)
    await new Promise((r) => setTimeout(r, 200));
    expect(
      jsonLogLines(run).some((l) => l.requestId === requestId),
      "request id on the log lines",
    ).toBe(true);
  }

  const hasModel = existsSync(path.join(repoRoot, "models/default/manifest.json"));
  const hasEntry = (name: Service) => existsSync(path.join(repoRoot, readDockerfile(IMAGES[name]).cmd?.at(-1) ?? ""));

  it.skipIf(!hasModel || !hasEntry("embedder"))(
    "embedder: starts, gets ready, logs JSON, stops",
    async () => {
      const run = await start("embedder");
      expect(jsonLogLines(run).every((l) => l.service === "embedder")).toBe(true);
      await checkObservability("embedder", run);
    },
    120_000,
  );

  it.skipIf(!hasEntry("api"))(
    "api: starts against Postgres + Redis as its own login, answers its health check",
    async () => {
      const run = await start("api");
      const gql = await fetch(`http://127.0.0.1:${run.port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(await gql.json()).toEqual({ data: { __typename: "Query" } });
      await checkObservability("api", run);
      // The operators' queue dashboard is on (the compose env sets a password) and behind basic auth.
      const dashboard = `http://127.0.0.1:${run.port}/admin/queues`;
      expect((await fetch(dashboard)).status).toBe(401);
      const login = `${run.env.QUEUE_DASHBOARD_USER ?? "ops"}:${run.env.QUEUE_DASHBOARD_PASSWORD}`;
      const authed = await fetch(dashboard, {
        headers: { authorization: `Basic ${Buffer.from(login).toString("base64")}` },
      });
      expect(authed.status).toBe(200);
      // The admin CLI ships in the embedder image (docs/deploy.md): it must run there against the migrated database.
      const embedder = running.get("embedder");
      if (embedder) {
        const args = ["--import", "tsx", "packages/cli/src/main.ts", "tenant", "create", "docker-test", "--json"];
        const cli = spawnSync("node", args, {
          cwd: embedder.cwd,
          env: embedder.env,
          encoding: "utf8",
          timeout: 60_000,
        });
        expect(cli.status, cli.stderr).toBe(0);
        expect(JSON.parse(cli.stdout)).toMatchObject({ slug: "docker-test" });
      }
    },
    120_000,
  );

  it.skipIf(!hasEntry("worker") || !hasModel)(
    "worker: starts, serves /healthz and /metrics",
    async () => {
      const run = await start("worker");
      await checkObservability("worker", run);
    },
    120_000,
  );

  // Builds the UI first when apps/web changed since the last build (the build is shared with `pnpm start` and the
  // browser tests through its source-hash stamp, so CI pays for it once).
  it.skipIf(!hasEntry("web"))(
    "web: builds if needed, serves the UI, answers its health check",
    async () => {
      const run = await start("web", 400_000);
      const page = await fetch(`http://127.0.0.1:${run.port}/`, { redirect: "manual" });
      expect(page.status).toBeLessThan(500);
    },
    420_000,
  );

  it("each started process stops cleanly on SIGTERM (docker stop)", async () => {
    // Reverse start order, as compose stops dependants first.
    for (const name of ["web", "worker", "api", "embedder"] as Service[]) {
      const run = running.get(name);
      if (run && run.child.exitCode === null && run.child.signalCode === null) await stop(name, run);
    }
  }, 60_000);
});
