// Automatic persisted queries kept in Redis, so a hash registered through one API replica is known to all of them
// (Apollo's default cache is per process). Keys expire: registrations cannot pile up in Redis.
import type { ApolloServerOptions } from "@apollo/server";
import type { Redis } from "ioredis";

type PersistedQueryCache = NonNullable<Exclude<ApolloServerOptions<never>["persistedQueries"], false>>["cache"];

/** How long a registered query stays without being registered again, seconds. */
export const APQ_TTL_S = 24 * 3600;

export function redisPersistedQueryCache(redis: Redis, prefix: string): NonNullable<PersistedQueryCache> {
  const key = (k: string) => `${prefix}:apq:${k}`;
  return {
    async get(k) {
      return (await redis.get(key(k))) ?? undefined;
    },
    async set(k, value, options) {
      const ttl = options?.ttl ?? APQ_TTL_S;
      await redis.set(key(k), value, "EX", Math.max(1, Math.round(ttl)));
    },
    async delete(k) {
      return (await redis.del(key(k))) > 0;
    },
  };
}
