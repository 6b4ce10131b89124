// `pnpm start`: the whole product on one machine. Opens the database (embedded PGlite unless
// DATABASE_URL is set), checks Redis, then runs every service with combined, readable logs.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { ConfigError, loadConfig, repoRoot } from "@earshot/config";
import { openDatabase, provisionLogins, redactUrl } from "@earshot/db";
import { Redis } from "ioredis";
import { type ServiceSpec, services } from "./services.ts";

const COLORS = [36, 35, 33, 32, 34, 31];
const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

function say(message: string) {
  process.stdout.write(`\x1b[1mearshot\x1b[0m  ${message}\n`);
}

/** Turns a pino JSON line into "service level message key=value"; passes other lines through. */
function formatLine(name: string, color: number, line: string): string {
  const tag = `\x1b[${color}m${name.padEnd(8)}\x1b[0m`;
  if (!line.startsWith("{")) return `${tag} ${line}`;
  try {
    const { level, msg, time: _t, pid: _p, hostname: _h, service: _s, ...rest } = JSON.parse(line);
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
    return `${tag} ${(LEVELS[level] ?? String(level)).padEnd(5)} ${msg ?? ""}${extra}`;
  } catch {
    return `${tag} ${line}`;
  }
}

async function checkRedis(url: string) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(
      `Redis is not answering at ${url}.\n` +
        "  Start one:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379\n" +
        "  (Debian: apt-get install redis-server), or point REDIS_URL at a running server.",
    );
  } finally {
    redis.disconnect();
  }
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready at ${url} after ${timeoutMs / 1000}s`);
}

async function main() {
  const config = loadConfig();
  await checkRedis(config.REDIS_URL);
  const db = await openDatabase(config);
  say(`database ${db.embedded ? "embedded (PGlite) " : ""}at ${redactUrl(db.url)}`);
  const ownerUrl = config.DATABASE_OWNER_URL ?? db.url;
  if (!db.embedded) for (const login of await provisionLogins(ownerUrl, config)) say(`database login ${login} ready`);

  // Migrated above: the services get no owner login, and each its own login where one is configured.
  const { DATABASE_OWNER_URL: _owner, ...rest } = process.env;
  const env: NodeJS.ProcessEnv = { ...rest, DATABASE_URL: db.url, FORCE_COLOR: "1" };
  const envOf = (svc: ServiceSpec) => (svc.login && env[svc.login] ? { ...env, DATABASE_URL: env[svc.login] } : env);
  const children: ChildProcess[] = [];
  let stopping = false;

  async function stop(code: number) {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once("exit", () => resolve());
            c.kill("SIGTERM");
            setTimeout(() => c.kill("SIGKILL"), 10_000).unref();
          }),
      ),
    );
    await db.stop();
    process.exit(code);
  }
  process.once("SIGINT", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));

  for (const [i, svc] of services.entries()) {
    const color = COLORS[i % COLORS.length] ?? 37;
    const [cmd, ...args] = svc.command;
    const child = spawn(cmd as string, args, { cwd: repoRoot, env: envOf(svc), stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        process.stdout.write(`${formatLine(svc.name, color, line)}\n`);
      });
    }
    child.on("exit", (code, signal) => {
      if (stopping) return;
      say(`${svc.name} exited (${signal ?? code}); stopping the rest`);
      void stop(1);
    });
    if (svc.ready) {
      const url = svc.ready(env);
      await waitReady(url, child, svc.readyTimeoutMs).catch((err: Error) => {
        say(`${svc.name} failed to start: ${err.message}`);
        return stop(1);
      });
      say(`${svc.name} ready at ${url.replace(/\/healthz$/, "")}`);
    }
  }
  say("all services up; Ctrl-C stops them");
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(`earshot: ${(err as Error).message}`);
  process.exit(1);
});
