// The embedding service as a child process on a loopback port, as in production (shared by the API benches).
import { type ChildProcess, spawn } from "node:child_process";
import { repoRoot } from "@earshot/config";

export async function startEmbedder(): Promise<{ url: string; proc: ChildProcess }> {
  const port = 4700 + Math.floor(Math.random() * 200);
  const proc = spawn(process.execPath, ["--import", "tsx", "apps/embedder/src/main.ts"], {
    cwd: repoRoot,
    env: { ...process.env, EMBEDDER_PORT: String(port), EMBEDDER_HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${url}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { url, proc };
    await new Promise((r) => setTimeout(r, 500));
  }
  proc.kill();
  throw new Error("the embedding service did not become ready");
}
