import { type ChildProcess, spawn } from "node:child_process";
import { AudioError } from "./errors.ts";

/** Spawns a tool, turning "not installed" into a typed error instead of an unhandled 'error' event. */
export function spawnTool(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  return child;
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion with a wall-clock timeout; output is capped so a runaway tool cannot eat memory. */
export function runTool(cmd: string, args: string[], timeoutMs: number, maxOutput = 4 << 20): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawnTool(cmd, args);
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish(() => reject(new AudioError("DECODE_TIMEOUT", `${cmd} did not finish within ${timeoutMs} ms`)));
    }, timeoutMs);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < maxOutput) stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < maxOutput) stderr += d;
    });
    child.on("error", (err: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          err.code === "ENOENT"
            ? new AudioError("DECODER_MISSING", `${cmd} is not installed (apt-get install ffmpeg)`)
            : err,
        ),
      ),
    );
    child.on("close", (code) => finish(() => resolve({ code, stdout, stderr })));
  });
}
