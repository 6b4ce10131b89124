// Serves the web UI in production mode: `next build` when the sources changed since the last build (content
// fingerprint, ~30 s on 2 cores), then `next start`. Used by `pnpm start` (scripts/services.ts) and the e2e test.
//   node --import tsx apps/web/scripts/serve.ts            build if needed, then serve on WEB_HOST:WEB_PORT (server.ts)
//   node --import tsx apps/web/scripts/serve.ts --build    build if needed, then exit
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const distDir = path.join(webDir, ".next");
const stampFile = path.join(distDir, "earshot-source-hash");
const lockDir = path.join(webDir, ".next-build.lock");
const nextBin = createRequire(path.join(webDir, "package.json")).resolve("next/dist/bin/next");
// What a build depends on: our sources, configs, the one workspace package compiled in, and Next itself.
const INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.ts",
  "package.json",
  "tsconfig.json",
  "../../packages/config/src",
];

function log(msg: string) {
  process.stdout.write(`${msg}\n`);
}

function collect(p: string, out: string[]) {
  if (!existsSync(p)) return;
  if (statSync(p).isDirectory()) {
    for (const name of readdirSync(p).sort()) collect(path.join(p, name), out);
  } else out.push(p);
}

export function sourceHash(): string {
  const files: string[] = [];
  for (const input of INPUTS) collect(path.join(webDir, input), files);
  const hash = createHash("sha256");
  hash.update(createRequire(path.join(webDir, "package.json"))("next/package.json").version);
  for (const f of files) {
    hash.update(path.relative(webDir, f));
    hash.update(readFileSync(f));
  }
  return hash.digest("hex");
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, ...args], { cwd: webDir, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One build at a time per checkout (pnpm start and a test may start together); a dead holder's lock is taken over. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch {
      let pid = 0;
      try {
        pid = Number(readFileSync(path.join(lockDir, "pid"), "utf8").trim());
      } catch {
        // No pid yet: just taken (wait), or its holder died before writing it (an old lock: take it over).
        const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
        pid = age < 5000 ? -1 : 0;
      }
      if (pid === 0 || (pid > 0 && !alive(pid))) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

/** Builds the UI unless the last build is of exactly these sources. Returns whether it built. */
export async function ensureBuilt(): Promise<boolean> {
  return withBuildLock(async () => {
    const hash = sourceHash();
    if (
      existsSync(path.join(distDir, "BUILD_ID")) &&
      existsSync(stampFile) &&
      readFileSync(stampFile, "utf8") === hash
    ) {
      return false;
    }
    log("web: sources changed since the last build: running next build");
    const started = Date.now();
    const code = await run(["build"], { ...env, NODE_ENV: "production" });
    if (code !== 0) throw new Error(`next build failed (exit ${code})`);
    writeFileSync(stampFile, hash);
    log(`web: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  });
}

async function main() {
  await ensureBuilt();
  if (process.argv.includes("--build")) return;
  // server.ts rather than `next start`: it appends the browser's address to X-Forwarded-For (see there).
  const child = spawn(process.execPath, ["--import", "tsx", path.join(webDir, "scripts/server.ts")], {
    cwd: webDir,
    env: { ...env, NODE_ENV: "production" },
    stdio: "inherit",
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    console.error(`web: ${err.message}`);
    process.exit(1);
  });
}
