import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "@earshot/config";
import type pg from "pg";

/** Prisma's migrations folder: one directory per migration, each with migration.sql, applied in name order. */
export const migrationsDir = path.join(repoRoot, "prisma/migrations");

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

// Same table and columns as Prisma Migrate, so `prisma migrate status` reads our history where its engine exists.
const HISTORY_DDL = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id varchar(36) PRIMARY KEY,
  checksum varchar(64) NOT NULL,
  finished_at timestamptz,
  migration_name varchar(255) NOT NULL,
  logs text,
  rolled_back_at timestamptz,
  started_at timestamptz NOT NULL DEFAULT now(),
  applied_steps_count integer NOT NULL DEFAULT 0
)`;

// Arbitrary constant: serialises concurrent migrators (several processes starting at once).
const MIGRATION_LOCK = 7_240_305_113;

/**
 * Applies every pending migration, each in its own transaction, and refuses to run when an applied
 * migration's file has changed since (its checksum no longer matches). Returns the names it applied.
 */
export async function migrate(client: pg.ClientBase, dir = migrationsDir): Promise<string[]> {
  const migrations = await readMigrations(dir);
  // Up to date: nothing to lock or create, so a login role without DDL rights (the application's) passes here.
  const before = await appliedMigrations(client);
  if (before && checkApplied(before, migrations) === migrations.length) return [];
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
  try {
    await client.query(HISTORY_DDL);
    const applied = (await appliedMigrations(client)) ?? new Map<string, string>();
    checkApplied(applied, migrations);
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new MigrationError(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
  }
}

/** Applied migrations (name to checksum), or null when the history table does not exist yet. */
async function appliedMigrations(client: pg.ClientBase): Promise<Map<string, string> | null> {
  const { rows } = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists",
  );
  if (!rows[0]?.exists) return null;
  const applied = await client.query<{ migration_name: string; checksum: string }>(
    "SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
  );
  return new Map(applied.rows.map((r) => [r.migration_name, r.checksum]));
}

/** Throws when an applied migration's folder is gone or was edited; returns how many are applied. */
function checkApplied(applied: Map<string, string>, migrations: Migration[]): number {
  for (const [name, checksum] of applied) {
    const file = migrations.find((m) => m.name === name);
    if (!file) throw new MigrationError(`migration ${name} is applied but its folder is missing`);
    if (file.checksum !== checksum) {
      throw new MigrationError(`migration ${name} was edited after it was applied; add a new migration instead`);
    }
  }
  return applied.size;
}
