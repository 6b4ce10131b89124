// `earshot user add|reset-link`: the operator's door to accounts. `add` makes someone a member of a tenant (the first
// admin, typically); a new user gets a set-password link, never a password chosen or seen by someone else. Members
// after the first admin are better invited from the UI (inviteMember). `reset-link` is for a forgotten password.
import {
  addMembership,
  createPasswordReset,
  createUser,
  findUserByEmail,
  linkTo,
  normaliseEmail,
  ROLES,
  type Role,
} from "@earshot/auth";
import { type Config, loadConfig } from "@earshot/config";
import type { Pool } from "@earshot/db";
import type { Command } from "commander";
import { CliError, ExitCode, exitWithError, printJson } from "../output.ts";
import { type CliDatabase, findTenant, openCliDatabase } from "./tenant.ts";

async function setPasswordLink(pool: Pool, config: Config, userId: string) {
  const { token, expiresAt } = await createPasswordReset(pool, userId, config.PASSWORD_RESET_TTL_H);
  return { link: linkTo(config.WEB_ORIGIN, "reset", token), expiresAt: expiresAt.toISOString() };
}

function printLink(what: string, l: { link: string; expiresAt: string }) {
  process.stdout.write(`${what} (works once, until ${l.expiresAt}; hand it to the person only):\n${l.link}\n`);
}

export function register(program: Command) {
  const user = program.command("user").description("Manage users of the web UI");
  user
    .command("add <email>")
    .description("Add a user to a tenant with a role; a new user gets a link to set their own password")
    .requiredOption("--tenant <slug>", "tenant")
    .option("--role <role>", "viewer, archivist or admin", "viewer")
    .option("--name <name>", "display name (default: the part before @)")
    .option("--json", "print the result as JSON")
    .action(async (email: string, opts: { tenant: string; role: string; name?: string; json?: boolean }) => {
      let db: CliDatabase | undefined;
      try {
        const role = opts.role.toLowerCase() as Role;
        if (!ROLES.includes(role))
          throw new CliError("BAD_USER_INPUT", `--role must be one of ${ROLES.join(", ")}`, ExitCode.usage);
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
          throw new CliError("BAD_USER_INPUT", "not an email address", ExitCode.usage);
        const config = loadConfig();
        db = await openCliDatabase(config, { startEmbedded: true });
        const tenant = await findTenant(db.pool, opts.tenant);
        let u = await findUserByEmail(db.pool, email);
        let link: { link: string; expiresAt: string } | null = null;
        if (!u) {
          u = await createUser(db.pool, { email, name: opts.name ?? (email.split("@")[0] as string) });
          link = await setPasswordLink(db.pool, config, u.id);
        }
        await addMembership(db.pool, tenant.id, u.id, role);
        if (opts.json) {
          printJson({ userId: u.id, email: u.email, tenant: tenant.slug, role, setPasswordLink: link });
        } else {
          process.stdout.write(`${u.email} is ${role} of ${tenant.slug}\n`);
          if (link) printLink("set-password link", link);
          else
            process.stdout.write(
              `(existing account, its password unchanged; a new one: earshot user reset-link ${u.email})\n`,
            );
        }
      } catch (err) {
        exitWithError(err, Boolean(opts.json));
      } finally {
        await db?.close();
      }
    });

  user
    .command("reset-link <email>")
    .description("Print a single-use, expiring link that sets a new password (and signs the user out everywhere)")
    .option("--json", "print the result as JSON")
    .action(async (email: string, opts: { json?: boolean }) => {
      let db: CliDatabase | undefined;
      try {
        const config = loadConfig();
        db = await openCliDatabase(config, { startEmbedded: true });
        const u = await findUserByEmail(db.pool, email);
        if (!u) throw new CliError("USER_NOT_FOUND", `no user with the email ${normaliseEmail(email)}`);
        const link = await setPasswordLink(db.pool, config, u.id);
        if (opts.json) printJson({ userId: u.id, email: u.email, ...link });
        else printLink(`password reset link for ${u.email}`, link);
      } catch (err) {
        exitWithError(err, Boolean(opts.json));
      } finally {
        await db?.close();
      }
    });
}
