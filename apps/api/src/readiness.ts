import type { ApiDeps } from "./context.ts";

/** How long one dependency may take to answer a readiness check before it counts as down. */
export const READINESS_TIMEOUT_MS = 2000;

function within<T>(ms: number, work: () => Promise<T>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = work().then(
    () => true,
    () => false,
  );
  return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
}

/** Checks the database, Redis and the embedder at once; true for each that answered in time. */
export async function readinessChecks(
  deps: Pick<ApiDeps, "pool" | "redis" | "embedder">,
): Promise<{ database: boolean; redis: boolean; embedder: boolean }> {
  const [database, redis, embedder] = await Promise.all([
    within(READINESS_TIMEOUT_MS, () => deps.pool.query("SELECT 1")),
    within(READINESS_TIMEOUT_MS, () => deps.redis.ping()),
    // The embedder answers /v1/model only once its model is loaded (its own /readyz condition).
    within(READINESS_TIMEOUT_MS, () => deps.embedder.model()),
  ]);
  return { database, redis, embedder };
}
