// `earshot user add`: creates a user (or adds an existing one) as a member of a tenant, so someone can sign in to
// the web UI. Members after the first admin are better invited from the UI (inviteMember).
import { randomBytes } from "node:crypto";
import { addMembership, createUser, findUserByEmail, ROLES, type Role } from "@earshot/auth";
import { loadConfig } from "@earshot/config";
import type { Command } from "commander";
import { CliError, ExitCode, exitWithError, printJson } from "../output.ts";
import { type CliDatabase, findTenant, openCliDatabase } from "./tenant.ts";

export function register(program: Command) {
  const user = program.command("user").description("Manage users of the web UI");
  user
    .command("add <email>")
    .description("Add a user to a tenant with a role; a new user gets the given or a generated password")
    .requiredOption("--tenant <slug>", "tenant")
    .option("--role <role>", "viewer, archivist or admin", "viewer")
    .option("--name <name>", "display name (default: the part before @)")
    .option("--password <password>", "password for a new user (default: generated and printed once)")
    .option("--json", "print the result as JSON")
    .action(
      async (
        email: string,
        opts: { tenant: string; role: string; name?: string; password?: string; json?: boolean },
      ) => {
        let db: CliDatabase | undefined;
        try {
          const role = opts.role.toLowerCase() as Role;
          if (!ROLES.includes(role))
            throw new CliError("BAD_USER_INPUT", `--role must be one of ${ROLES.join(", ")}`, ExitCode.usage);
          if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
            throw new CliError("BAD_USER_INPUT", "not an email address", ExitCode.usage);
          if (opts.password !== undefined && opts.password.length < 8) {
            throw new CliError("BAD_USER_INPUT", "--password must be at least 8 characters", ExitCode.usage);
          }
          db = await openCliDatabase(loadConfig(), { startEmbedded: true });
          const tenant = await findTenant(db.pool, opts.tenant);
          let u = await findUserByEmail(db.pool, email);
          let password: string | null = null;
          if (!u) {
            password = opts.password ?? randomBytes(12).toString("base64url");
            u = await createUser(db.pool, { email, name: opts.name ?? (email.split("@")[0] as string), password });
          }
          await addMembership(db.pool, tenant.id, u.id, role);
          const generated = password !== null && opts.password === undefined ? password : null;
          if (opts.json) printJson({ userId: u.id, email: u.email, tenant: tenant.slug, role, password: generated });
          else {
            process.stdout.write(`${u.email} is ${role} of ${tenant.slug}\n`);
            if (generated) process.stdout.write(`password (shown once): ${generated}\n`);
          }
        } catch (err) {
          exitWithError(err, Boolean(opts.json));
        } finally {
          await db?.close();
        }
      },
    );
}
