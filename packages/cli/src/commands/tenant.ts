// `earshot tenant create|list`, and the database connection the admin commands share.
import { type Config, loadConfig } from "@earshot/config";
import { createPool, type DatabaseHandle, openDatabase, type Pool, withTenant } from "@earshot/db";
import type { Command } from "commander";
import pg from "pg";
import { CliError, ExitCode, exitWithError, printJson } from "../output.ts";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface CliDatabase {
  pool: Pool;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set; else the embedded database that `pnpm start` serves. When that is not running either,
 * `startEmbedded` decides: commands that need the services anyway (ingest) refuse, others open it themselves.
 */
export async function openCliDatabase(config: Config, opts: { startEmbedded: boolean }): Promise<CliDatabase> {
  let handle: DatabaseHandle | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    const served = `postgresql://postgres@127.0.0.1:${config.EMBEDDED_DB_PORT}/postgres`;
    if (await reachable(served)) url = served;
    else if (opts.startEmbedded) {
      handle = await openDatabase(config, "earshot_internal");
      url = handle.url;
    } else {
      throw new CliError(
        "NOT_RUNNING",
        "Earshot is not running (no database at the embedded port). Start it with `pnpm start`, or set DATABASE_URL",
        ExitCode.unavailable,
      );
    }
  } else if (!(await reachable(url))) {
    throw new CliError("DATABASE_UNAVAILABLE", "cannot connect to the database at DATABASE_URL", ExitCode.unavailable);
  }
  const pool = createPool(url, 4);
  return {
    pool,
    async close() {
      await pool.end();
      await handle?.stop();
    },
  };
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function findTenant(pool: Pool, slug: string): Promise<{ id: string; slug: string; name: string }> {
  const { rows } = await pool.query<{ id: string; slug: string; name: string }>(
    "SELECT id, slug, name FROM tenants WHERE slug = $1",
    [slug],
  );
  if (!rows[0]) {
    throw new CliError("TENANT_NOT_FOUND", `no tenant "${slug}"; create it with: earshot tenant create ${slug}`);
  }
  return rows[0];
}

export function register(program: Command) {
  const tenant = program.command("tenant").description("Manage tenants (archives)");

  tenant
    .command("create <slug>")
    .description("Create a tenant; slug: lowercase letters, digits and dashes")
    .option("--name <name>", "display name (default: the slug)")
    .option("--json", "print the tenant as JSON")
    .action(async (slug: string, opts: { name?: string; json?: boolean }) => {
      let db: CliDatabase | undefined;
      try {
        if (!SLUG.test(slug)) {
          throw new CliError(
            "BAD_SLUG",
            `"${slug}" is not a valid slug: use 1-63 lowercase letters, digits and dashes, starting with a letter or digit`,
            ExitCode.usage,
          );
        }
        db = await openCliDatabase(loadConfig(), { startEmbedded: true });
        const { rows } = await db.pool
          .query<{ id: string; slug: string; name: string }>(
            "INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id, slug, name",
            [slug, opts.name ?? slug],
          )
          .catch((err: { code?: string }) => {
            if (err.code === "23505") throw new CliError("TENANT_EXISTS", `tenant "${slug}" already exists`);
            throw err;
          });
        const t = rows[0]!;
        if (opts.json) printJson(t);
        else process.stdout.write(`created tenant ${t.slug} (${t.id})\n`);
      } catch (err) {
        await db?.close();
        exitWithError(err, Boolean(opts.json));
      }
      await db.close();
    });

  tenant
    .command("list")
    .description("List tenants with their asset counts")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      let db: CliDatabase | undefined;
      try {
        db = await openCliDatabase(loadConfig(), { startEmbedded: true });
        const pool = db.pool;
        const { rows: list } = await pool.query<{ slug: string; name: string; id: string }>(
          "SELECT slug, name, id FROM tenants ORDER BY slug",
        );
        // Row-level security binds the CLI's role too: count each tenant's assets inside that tenant.
        const rows = [];
        for (const t of list) {
          const counted = await withTenant(pool, t.id, (c) => c.query("SELECT count(*)::int AS n FROM audio_assets"));
          rows.push({ ...t, assets: counted.rows[0].n as number });
        }
        if (opts.json) printJson(rows);
        else for (const r of rows) process.stdout.write(`${r.slug}\t${r.assets} assets\t${r.name}\n`);
      } catch (err) {
        await db?.close();
        exitWithError(err, Boolean(opts.json));
      }
      await db.close();
    });
}
