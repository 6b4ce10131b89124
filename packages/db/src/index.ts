export { type DatabaseHandle, openDatabase, provisionLogins, redactUrl } from "./database.ts";
export { type EmbeddedDatabase, startEmbeddedDatabase } from "./embedded.ts";
export { type Migration, MigrationError, migrate, migrationsDir, readMigrations } from "./migrate.ts";
export {
  createPool,
  holdTenantTicket,
  type Pool,
  type PoolClient,
  parseVector,
  runWithTenantTickets,
  toVectorLiteral,
  withTenant,
  withTransaction,
} from "./pool.ts";
export { createPrisma, Prisma, type PrismaClient } from "./prisma.ts";
export { type LoginGroup, loginOf, provisionLoginRole } from "./roles.ts";
