// `earshot apikey create|revoke`: partner API keys (the secret is printed once and never stored).

import { createApiKey, SCOPES, type Scope } from "@earshot/auth";
import { loadConfig } from "@earshot/config";
import { withTenant } from "@earshot/db";
import type { Command } from "commander";
import { CliError, ExitCode, exitWithError, printJson } from "../output.ts";
import { type CliDatabase, findTenant, openCliDatabase } from "./tenant.ts";

function parseScopes(text: string): Scope[] {
  const scopes = [
    ...new Set(
      text
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const bad = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (scopes.length === 0 || bad.length > 0) {
    throw new CliError(
      "BAD_USER_INPUT",
      `--scopes: give a comma-separated list of ${SCOPES.join(", ")}`,
      ExitCode.usage,
    );
  }
  return scopes as Scope[];
}

export function register(program: Command) {
  const apikey = program.command("apikey").description("Manage partner API keys");

  apikey
    .command("create")
    .description("Create an API key; prints the key once (store it: it cannot be shown again)")
    .requiredOption("--tenant <slug>", "tenant the key belongs to")
    .requiredOption("--name <name>", "what the key is for")
    .option("--scopes <list>", "comma-separated: search, ingest, admin", "search")
    .option("--json", "print the key as JSON")
    .action(async (opts: { tenant: string; name: string; scopes: string; json?: boolean }) => {
      let db: CliDatabase | undefined;
      try {
        const scopes = parseScopes(opts.scopes);
        const name = opts.name.trim();
        if (name.length < 1 || name.length > 100)
          throw new CliError("BAD_USER_INPUT", "--name must be 1..100 characters", ExitCode.usage);
        db = await openCliDatabase(loadConfig(), { startEmbedded: true });
        const tenant = await findTenant(db.pool, opts.tenant);
        const { apiKey, key } = await createApiKey(db.pool, tenant.id, { name, scopes });
        if (opts.json) printJson({ id: apiKey.id, prefix: apiKey.prefix, scopes: apiKey.scopes, key });
        else process.stdout.write(`${key}\n(id ${apiKey.id}, scopes ${scopes.join(",")}; shown once: store it now)\n`);
      } catch (err) {
        exitWithError(err, Boolean(opts.json));
      } finally {
        await db?.close();
      }
    });

  apikey
    .command("revoke <prefix>")
    .description("Revoke a key by its prefix (the 12 hex characters after esk_)")
    .option("--json", "print the result as JSON")
    .action(async (prefix: string, opts: { json?: boolean }) => {
      let db: CliDatabase | undefined;
      try {
        db = await openCliDatabase(loadConfig(), { startEmbedded: true });
        const pool = db.pool;
        // The key's tenant first (the CLI's role sees keys only inside a tenant), then the update inside it.
        const { rows: owner } = await pool.query<{ t: string | null }>("SELECT earshot_api_key_tenant($1) AS t", [
          prefix,
        ]);
        const tenantId = owner[0]?.t;
        const { rows } = tenantId
          ? await withTenant(pool, tenantId, (c) =>
              c.query<{ id: string }>(
                "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE prefix = $1 RETURNING id",
                [prefix],
              ),
            )
          : { rows: [] };
        if (!rows[0]) throw new CliError("NOT_FOUND", `no API key with prefix ${prefix}`);
        if (opts.json) printJson({ id: rows[0].id, revoked: true });
        else process.stdout.write(`revoked ${rows[0].id}\n`);
      } catch (err) {
        exitWithError(err, Boolean(opts.json));
      } finally {
        await db?.close();
      }
    });
}
