-- Issue 18.3: the application no longer logs in as the owner. Three kinds of role:
--   owner            whoever runs this migration (DATABASE_OWNER_URL): owns every object, runs migrations and the
--                    SECURITY DEFINER functions below. Never used by a running application process.
--   earshot_app      group (NOLOGIN) of the API's login role (e.g. earshot_api): tenant rows only inside a tenant
--                    context that a credential check opened (earshot_enter_tenant with a ticket).
--   earshot_internal group (NOLOGIN) of the worker's and CLI's login role (e.g. earshot_worker): trusted to enter any
--                    tenant without a user credential, plus the few global writes the worker needs.
-- Login roles are cluster-wide and created outside migrations (packages/db provisionLoginRole, docs/deploy.md).
--
-- Row-level security is FORCEd on every tenant table, so it binds the owner too; the owner keeps explicit access
-- only to the identity tables its SECURITY DEFINER functions read (policy definer_access). A data migration on the
-- other tenant tables therefore needs a superuser or BYPASSRLS migrator (as compose and the tests have).
--
-- The tenant context (setting earshot.tenant_id) is '<tenant uuid>:<proof>', where proof = sha256 over a secret only
-- the owner can read, the tenant, the backend pid and the transaction's start time. Only earshot_enter_tenant mints
-- it, so set_config('earshot.tenant_id', ...) by the app role gives no rows, and a proof dies with its transaction.

-- Roles are cluster-wide and several databases (tests) may migrate at once: creation tolerates a concurrent twin.
DO $$ BEGIN
  CREATE ROLE earshot_internal NOLOGIN NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$ BEGIN
  IF NOT pg_has_role('earshot_internal', 'earshot_app', 'MEMBER') THEN
    GRANT earshot_app TO earshot_internal;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

-- The key behind tickets and tenant proofs: 244 random bits, readable by the owner only.
CREATE TABLE earshot_secret (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  key bytea NOT NULL
);
INSERT INTO earshot_secret (key)
VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
REVOKE ALL ON earshot_secret FROM PUBLIC;

CREATE FUNCTION earshot_sign(p_purpose text, p_message text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(key || convert_to(p_purpose || '|' || p_message, 'UTF8')), 'hex') FROM earshot_secret
$$;
REVOKE ALL ON FUNCTION earshot_sign(text, text) FROM PUBLIC;

CREATE FUNCTION earshot_tenant_proof(p_tenant uuid) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT earshot_sign('tenant', p_tenant::text || '|' || pg_backend_pid()::text || '|'
                                || extract(epoch FROM transaction_timestamp())::text)
$$;
REVOKE ALL ON FUNCTION earshot_tenant_proof(uuid) FROM PUBLIC;

-- A ticket '<tenant>.<expiry epoch s>.<signature>' says "a credential for this tenant was checked"; the API gets one
-- from the identity functions below and presents it to earshot_enter_tenant. Valid for 6 hours (a long upload).
CREATE FUNCTION earshot_tenant_ticket(p_tenant uuid) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT p_tenant::text || '.' || e || '.' || earshot_sign('ticket', p_tenant::text || '.' || e)
    FROM (SELECT (extract(epoch FROM now())::bigint + 6 * 3600)::text AS e) x
$$;
REVOKE ALL ON FUNCTION earshot_tenant_ticket(uuid) FROM PUBLIC;

-- The tenant of this transaction, or NULL outside one. A forged or stale setting is an error, not just no rows.
CREATE OR REPLACE FUNCTION earshot_current_tenant() RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  v text := current_setting('earshot.tenant_id', true);
  t text;
BEGIN
  IF v IS NULL OR v = '' THEN
    RETURN NULL;
  END IF;
  t := split_part(v, ':', 1);
  IF t ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    IF split_part(v, ':', 2) = earshot_tenant_proof(t::uuid) THEN
      RETURN t::uuid;
    END IF;
  END IF;
  RAISE EXCEPTION 'earshot.tenant_id was not set by earshot_enter_tenant in this transaction'
    USING ERRCODE = 'insufficient_privilege';
END $$;
REVOKE ALL ON FUNCTION earshot_current_tenant() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION earshot_current_tenant() TO earshot_app;

-- Opens the tenant context for the rest of the transaction: with a valid ticket, or for a trusted login
-- (a member of earshot_internal, or a superuser: the embedded database and single-URL development setups).
CREATE FUNCTION earshot_enter_tenant(p_tenant uuid, p_ticket text DEFAULT NULL) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  parts text[] := string_to_array(p_ticket, '.');
BEGIN
  IF p_ticket IS NOT NULL THEN
    IF array_length(parts, 1) IS DISTINCT FROM 3 OR parts[1] <> p_tenant::text OR parts[2] !~ '^[0-9]{1,12}$' THEN
      RAISE EXCEPTION 'invalid tenant ticket' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF parts[2]::bigint < extract(epoch FROM now()) OR parts[3] <> earshot_sign('ticket', parts[1] || '.' || parts[2]) THEN
      RAISE EXCEPTION 'invalid or expired tenant ticket' USING ERRCODE = 'insufficient_privilege';
    END IF;
  ELSIF NOT (pg_has_role(session_user, 'earshot_internal', 'MEMBER')
             OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
    RAISE EXCEPTION 'entering a tenant needs a ticket from a credential check' USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('earshot.tenant_id', p_tenant::text || ':' || earshot_tenant_proof(p_tenant), true);
  RETURN p_tenant;
END $$;
REVOKE ALL ON FUNCTION earshot_enter_tenant(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION earshot_enter_tenant(uuid, text) TO earshot_app;

-- Row-level security for one tenant table: ENABLE + FORCE, the tenant policy for the application roles (the function
-- call in a sub-select is an InitPlan, evaluated once per query rather than per row), and the application's grants.
-- A migration adding a table with a tenant_id column calls SELECT earshot_protect_tenant_table('its_name').
CREATE FUNCTION earshot_protect_tenant_table(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', p_table);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s TO earshot_app USING (tenant_id = (SELECT earshot_current_tenant()))'
                 ' WITH CHECK (tenant_id = (SELECT earshot_current_tenant()))', p_table);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO earshot_app', p_table);
END $$;
REVOKE ALL ON FUNCTION earshot_protect_tenant_table(regclass) FROM PUBLIC;

-- Every table with a tenant_id column, including those added by earlier migrations of other features.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                                                        AND NOT a.attisdropped)
  LOOP
    PERFORM earshot_protect_tenant_table(r.t);
  END LOOP;
END $$;

-- Tenants, users and sessions have no tenant_id column; they are FORCEd too.
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
DROP POLICY tenant_self ON tenants;
CREATE POLICY tenant_self ON tenants FOR SELECT TO earshot_app USING (id = (SELECT earshot_current_tenant()));
-- The worker and the CLI list tenants, create them and switch a tenant's search model.
CREATE POLICY internal_all ON tenants TO earshot_internal USING (true) WITH CHECK (true);
GRANT INSERT (slug, name), UPDATE (search_model_version_id, name) ON tenants TO earshot_internal;

-- Key hashes stay with the definer function that checks them.
REVOKE SELECT ON api_keys FROM earshot_app;
GRANT SELECT (id, tenant_id, name, prefix, scopes, created_at, last_used_at, revoked_at) ON api_keys TO earshot_app;

ALTER TABLE users FORCE ROW LEVEL SECURITY;
DROP POLICY users_of_tenant ON users;
CREATE POLICY users_of_tenant ON users FOR SELECT TO earshot_app
  USING (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id));

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;

-- The owner's own access, used by the SECURITY DEFINER functions below (identity lookups before a tenant is known).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'users', 'sessions', 'memberships', 'api_keys', 'audio_assets'] LOOP
    EXECUTE format('CREATE POLICY definer_access ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
  END LOOP;
END $$;

-- Global tables: model versions are registered by the worker; index creation needs ownership, so it runs as owner.
GRANT SELECT, INSERT, UPDATE ON model_versions TO earshot_internal;
ALTER FUNCTION earshot_ensure_segment_index(uuid) SECURITY DEFINER SET search_path = pg_catalog, public;
REVOKE ALL ON FUNCTION earshot_ensure_segment_index(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION earshot_ensure_segment_index(uuid) TO earshot_internal;
-- Processes that do not migrate check that the schema is current.
GRANT SELECT (migration_name, checksum, finished_at, rolled_back_at) ON _prisma_migrations TO earshot_app;

-- Identity functions: each returns only what its caller proved it may see, with a ticket for the tenant(s).

-- The session behind a token hash (unexpired), its user, and one row per membership with a ticket.
CREATE FUNCTION earshot_session_memberships(p_token_hash text)
RETURNS TABLE (session_id uuid, user_id uuid, email text, name text, tenant_id uuid, tenant_slug text,
               tenant_name text, role "Role", ticket text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT s.id, u.id, u.email, u.name, t.id, t.slug, t.name, m.role, earshot_tenant_ticket(t.id)
    FROM sessions s JOIN users u ON u.id = s.user_id
    LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN tenants t ON t.id = m.tenant_id
   WHERE s.token_hash = p_token_hash AND s.expires_at > now()
   ORDER BY m.created_at, t.slug
$$;

-- An API key by prefix and the SHA-256 of its secret (unrevoked); marks it used at most once a minute.
CREATE FUNCTION earshot_api_key_principal(p_prefix text, p_secret_hash text)
RETURNS TABLE (id uuid, tenant_id uuid, scopes text[], ticket text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE k api_keys;
BEGIN
  SELECT * INTO k FROM api_keys a WHERE a.prefix = p_prefix AND a.revoked_at IS NULL AND a.hash = p_secret_hash;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute' THEN
    UPDATE api_keys SET last_used_at = now() WHERE api_keys.id = k.id;
  END IF;
  RETURN QUERY SELECT k.id, k.tenant_id, k.scopes, earshot_tenant_ticket(k.tenant_id);
END $$;

-- Sign-in without handing out password hashes: the API asks for the scrypt parameters and salt (a stable fake one
-- for unknown emails, so the answer does not tell whether an email is registered), derives the key itself, and the
-- database compares it with the stored one and creates the session only on a match.
CREATE FUNCTION earshot_password_params(p_email text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT coalesce(
    (SELECT substring(password_hash FROM '^(scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9_-]+)\$')
       FROM users WHERE email = p_email),
    'scrypt$16384$8$1$' || translate(rtrim(encode(decode(substr(earshot_sign('salt', p_email), 1, 32), 'hex'),
                                                   'base64'), '='), '+/', '-_'))
$$;

CREATE FUNCTION earshot_sign_in(p_email text, p_derived_key text, p_token_hash text, p_expires_at timestamptz)
RETURNS TABLE (id uuid, email text, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE u users;
BEGIN
  SELECT * INTO u FROM users WHERE users.email = p_email;
  IF NOT FOUND OR split_part(u.password_hash, '$', 6) IS DISTINCT FROM p_derived_key THEN
    RETURN;
  END IF;
  INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (u.id, p_token_hash, p_expires_at);
  RETURN QUERY SELECT u.id, u.email, u.name;
END $$;

-- Changing a password needs the old one: its derived key is compared here, as at sign-in; the new hash is stored and
-- every session of the user ends. (The API has no UPDATE on users nor any right on sessions.)
CREATE FUNCTION earshot_change_password(p_email text, p_old_key text, p_new_hash text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE u users;
BEGIN
  IF p_new_hash !~ '^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$' THEN
    RAISE EXCEPTION 'not a password hash' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO u FROM users WHERE users.email = p_email;
  IF NOT FOUND OR split_part(u.password_hash, '$', 6) IS DISTINCT FROM p_old_key THEN
    RETURN false;
  END IF;
  UPDATE users SET password_hash = p_new_hash WHERE id = u.id;
  DELETE FROM sessions WHERE user_id = u.id;
  RETURN true;
END $$;

CREATE FUNCTION earshot_end_session(p_token_hash text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  DELETE FROM sessions WHERE token_hash = p_token_hash
$$;

-- Users are global: inviting looks one up by email and creates it when new (issue 18.1 replaces this flow).
CREATE FUNCTION earshot_user_by_email(p_email text) RETURNS TABLE (id uuid, email text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT id, email, name FROM users WHERE email = p_email
$$;

CREATE FUNCTION earshot_create_user(p_email text, p_name text, p_password_hash text)
RETURNS TABLE (id uuid, email text, name text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  INSERT INTO users (email, name, password_hash) VALUES (p_email, p_name, p_password_hash) RETURNING id, email, name
$$;

-- A signed media URL names its tenant and asset (checked by the API's HMAC); this returns that one asset.
CREATE FUNCTION earshot_media_asset(p_tenant uuid, p_asset uuid)
RETURNS TABLE (storage_key text, mime text, original_filename text, peaks jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT storage_key, mime, original_filename, peaks FROM audio_assets WHERE tenant_id = p_tenant AND id = p_asset
$$;

-- The CLI revokes a key by its prefix without knowing its tenant.
CREATE FUNCTION earshot_api_key_tenant(p_prefix text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT tenant_id FROM api_keys WHERE prefix = p_prefix
$$;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['earshot_session_memberships(text)', 'earshot_api_key_principal(text, text)',
                           'earshot_password_params(text)', 'earshot_sign_in(text, text, text, timestamptz)',
                           'earshot_change_password(text, text, text)',
                           'earshot_end_session(text)', 'earshot_user_by_email(text)',
                           'earshot_create_user(text, text, text)', 'earshot_media_asset(uuid, uuid)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO earshot_app', f);
  END LOOP;
END $$;
REVOKE ALL ON FUNCTION earshot_api_key_tenant(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION earshot_api_key_tenant(text) TO earshot_internal;
