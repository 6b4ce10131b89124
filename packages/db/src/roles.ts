// Login roles of the application processes. Roles are cluster-wide while migrations are per database, so these are
// created here (by the owner, from the URLs the processes will use) rather than in a migration.
import pg from "pg";

/** The group a login joins: earshot_app (the API) or earshot_internal (worker and CLI: may enter any tenant). */
export type LoginGroup = "earshot_app" | "earshot_internal";

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The user name in a postgres:// URL. */
export function loginOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/**
 * Creates the URL's user as a login role (or brings an existing one into line): not superuser, no BYPASSRLS, no
 * CREATEDB or CREATEROLE, a member of `group`, with the URL's password when it has one. Safe to run from several
 * processes (or test databases) at once. Refuses the connected owner itself: the application must not own tables.
 */
export async function provisionLoginRole(owner: pg.ClientBase, url: string, group: LoginGroup): Promise<string> {
  const parsed = new URL(url);
  const role = decodeURIComponent(parsed.username);
  const password = parsed.password ? decodeURIComponent(parsed.password) : null;
  if (!ROLE_NAME.test(role)) {
    throw new Error(`database login "${role}" must be 1-63 lowercase letters, digits or underscores`);
  }
  const { rows } = await owner.query<{ owner: string }>("SELECT current_user AS owner");
  if (rows[0]?.owner === role) {
    throw new Error(`the application's database login must not be the owner "${role}"; give it its own role`);
  }
  const id = pg.escapeIdentifier(role);
  const attrs = `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT${password === null ? "" : ` PASSWORD ${pg.escapeLiteral(password)}`}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const { rows: have } = await owner.query<{ ok: boolean }>(
        `SELECT r.rolcanlogin AND NOT r.rolsuper AND NOT r.rolbypassrls AND NOT r.rolcreatedb AND NOT r.rolcreaterole
                AND pg_has_role(r.oid, $2, 'MEMBER') AS ok
           FROM pg_roles r WHERE r.rolname = $1`,
        [role, group],
      );
      if (!have[0]) await owner.query(`CREATE ROLE ${id} ${attrs} IN ROLE ${group}`);
      else if (!have[0].ok || password !== null) {
        await owner.query(`ALTER ROLE ${id} ${attrs}`);
        await owner.query(`GRANT ${group} TO ${id}`);
      }
      return role;
    } catch (err) {
      // Another process creating or altering the same role at the same moment: look again.
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || !(code === "42710" || code === "23505" || code === "XX000")) throw err;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}
