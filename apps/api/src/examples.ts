// Uploaded example clips (query by example) live in Redis for an hour, keyed by tenant: an example id is useless
// in any other tenant.
import { randomUUID } from "node:crypto";
import type { ApiDeps } from "./context.ts";

export const EXAMPLE_TTL_S = 3600;

const keyOf = (deps: ApiDeps, tenantId: string, id: string) =>
  `${deps.redisPrefix ?? "earshot"}:example:${tenantId}:${id}`;

export async function storeExample(deps: ApiDeps, tenantId: string, vector: number[]) {
  const id = randomUUID();
  await deps.redis.set(keyOf(deps, tenantId, id), JSON.stringify(vector), "EX", EXAMPLE_TTL_S);
  return { id, expiresAt: new Date(Date.now() + EXAMPLE_TTL_S * 1000) };
}

export async function loadExample(deps: ApiDeps, tenantId: string, id: string): Promise<number[] | null> {
  const stored = await deps.redis.get(keyOf(deps, tenantId, id));
  return stored ? (JSON.parse(stored) as number[]) : null;
}
