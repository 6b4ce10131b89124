// Runs `earshot …` as a user does (a child process), for the CLI tests.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Exit code and stdout of the CLI with these extra environment variables (even when it fails). */
export async function runEarshot(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout } = await run("node", ["--import", "tsx", "packages/cli/src/main.ts", ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}
