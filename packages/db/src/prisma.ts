import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "./generated/client.ts";

export { Prisma } from "./generated/client.ts";
export type { PrismaClient };

/** Prisma through the pg driver adapter: no engine binary, same pool as raw queries. */
export function createPrisma(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}
