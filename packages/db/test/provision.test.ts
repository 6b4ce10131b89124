// Setting up the roles: `pnpm db:migrate` as the owner creates the application's logins; a non-owner process does
// not migrate and says what to run instead.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { repoRoot } from "@earshot/config";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, provisionLoginRole } from "../src/index.ts";
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from "../src/testing.ts";

const run = promisify(execFile);
let db: TestDatabase;
// A login of this test's own, so the shared test logins stay as they are; dropped at the end.
const login = `earshot_t_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await db.drop();
  const c = new pg.Client({ connectionString: TEST_SERVER_URL });
  await c.connect();
  await c.query(`DROP ROLE IF EXISTS ${login}`);
  await c.end();
});

const as = (user: string, password?: string) => {
  const u = new URL(db.ownerUrl);
  u.username = user;
  if (password) u.password = password;
  return u.toString();
};

it("a process whose login is not the owner refuses a schema with pending migrations, naming the fix", async () => {
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await owner.query(`CREATE ROLE ${login} LOGIN`);
  await owner.end();
  const open = (url: string) =>
    openDatabase({ DATABASE_URL: url, EARSHOT_DATA_DIR: "/nonexistent", EMBEDDED_DB_PORT: 0 });
  await expect(open(as(login))).rejects.toThrow(/not up to date .* run `pnpm db:migrate` with DATABASE_OWNER_URL/);
  // The owner itself may migrate (a single-URL development setup).
  await expect(open(db.ownerUrl).then((h) => h.stop())).resolves.toBeUndefined();
});

it("pnpm db:migrate creates the API login: not superuser, no BYPASSRLS, in earshot_app, with its password", async () => {
  await run("node", ["--import", "tsx", "packages/db/src/migrate-cli.ts"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_OWNER_URL: db.ownerUrl, DATABASE_API_URL: as(login, "s3cret-pw") },
  });
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  try {
    const { rows } = await owner.query(
      `SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, pg_has_role(oid, 'earshot_app', 'MEMBER') AS app,
              pg_has_role(oid, 'earshot_internal', 'MEMBER') AS internal,
              (SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = $1) AS has_password
         FROM pg_roles WHERE rolname = $1`,
      [login],
    );
    expect(rows[0]).toEqual({
      rolcanlogin: true,
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
      app: true,
      internal: false,
      has_password: true,
    });
    await expect(provisionLoginRole(owner, db.ownerUrl, "earshot_app")).rejects.toThrow(/must not be the owner/);
  } finally {
    await owner.end();
  }
});
