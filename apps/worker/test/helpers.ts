import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { decodeAudio } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import type { Pool } from "@earshot/db";
import { buildEmbedder } from "@earshot/embedder";
import { type BatchProgress, batchProgress } from "@earshot/ingest";
import { createLogger } from "@earshot/log";
import { loadModelBundle } from "@earshot/model";

export const CLIPS_DIR = path.join(repoRoot, "../shared/data/modsounds-dev/audio");
export const MODEL_DIR = path.join(repoRoot, "models/default");
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const uniquePrefix = () => `test-${randomBytes(5).toString("hex")}`;

/** The real embedding service, in this process, on a free port. */
export async function startEmbedder(modelDir = MODEL_DIR, port = 0) {
  const model = await loadModelBundle(modelDir);
  const app = await buildEmbedder({
    model,
    decodeFile: (f) => decodeAudio(f),
    logger: createLogger("embedder-test", "silent"),
  });
  await app.listen({ host: "127.0.0.1", port });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    model,
    async close() {
      await app.close();
      await model.close();
    },
  };
}

export async function createTenant(pool: Pool, slug: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>("INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id", [
    slug,
  ]);
  return rows[0]!.id;
}

export async function waitForBatch(
  pool: Pool,
  tenantId: string,
  batchId: string,
  timeoutMs = 20_000,
): Promise<BatchProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = (await batchProgress(pool, tenantId, batchId))!;
    if (p.status === "done") return p;
    if (Date.now() > deadline) {
      throw new Error(`batch not done after ${timeoutMs} ms: ${JSON.stringify(p.counts)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function outcomes(p: BatchProgress): Record<string, string> {
  return Object.fromEntries(p.items.map((i) => [i.filename, i.errorCode ?? i.status]));
}
