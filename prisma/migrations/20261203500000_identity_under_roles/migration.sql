-- Identity flows (invitations, password change and reset, operator links) under the database login roles
-- (20261203200000). The API's login (earshot_app) cannot read password hashes, write users or sessions, read the
-- reset table or enter a tenant without a ticket, so each flow is one SECURITY DEFINER function that checks the
-- credential itself (invitation or reset token hash, session token hash, or the key the password derives, compared
-- here as earshot_sign_in does) and does all its writes in the caller's one transaction.

-- invitations (20261203100000) was forced and given the ticket-checked tenant policy by the roles migration's loop;
-- the owner's functions below read it by token before the tenant is known.
CREATE POLICY definer_access ON invitations TO CURRENT_USER USING (true) WITH CHECK (true);

-- Reset links are global identity data: no grant to any application role, FORCEd so only the owner's functions reach
-- them (a later grant by mistake would still show no rows).
ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
CREATE POLICY definer_access ON password_resets TO CURRENT_USER USING (true) WITH CHECK (true);
REVOKE ALL ON password_resets FROM PUBLIC;

-- Whether the key a password derives (under the stored salt, from earshot_password_params) is the stored one.
CREATE FUNCTION earshot_password_key_matches(p_stored text, p_key text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_stored IS NOT NULL AND p_key IS NOT NULL AND split_part(p_stored, '$', 6) = p_key
$$;
REVOKE ALL ON FUNCTION earshot_password_key_matches(text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION earshot_sign_in(p_email text, p_derived_key text, p_token_hash text, p_expires_at timestamptz)
RETURNS TABLE (id uuid, email text, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE u users;
BEGIN
  SELECT * INTO u FROM users WHERE users.email = p_email;
  IF NOT FOUND OR NOT earshot_password_key_matches(u.password_hash, p_derived_key) THEN
    RETURN;
  END IF;
  INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (u.id, p_token_hash, p_expires_at);
  RETURN QUERY SELECT u.id, u.email, u.name;
END $$;

CREATE FUNCTION earshot_check_password_hash(p_hash text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_hash IS NULL OR p_hash !~ '^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$' THEN
    RAISE EXCEPTION 'not a password hash' USING ERRCODE = 'invalid_parameter_value';
  END IF;
END $$;
REVOKE ALL ON FUNCTION earshot_check_password_hash(text) FROM PUBLIC;

-- Everything the old password gave ends with it: every session and every unused reset link. Owner-only (called by
-- the definer functions below after their own credential check).
CREATE FUNCTION earshot_replace_password(p_user uuid, p_hash text) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM earshot_check_password_hash(p_hash);
  UPDATE users SET password_hash = p_hash WHERE id = p_user;
  DELETE FROM sessions WHERE user_id = p_user;
  UPDATE password_resets SET used_at = now() WHERE user_id = p_user AND used_at IS NULL;
END $$;
REVOKE ALL ON FUNCTION earshot_replace_password(uuid, text) FROM PUBLIC;

-- Changing a password needs a live session and the key the old password derives; the same transaction ends every
-- session and reset link of the user and opens the one fresh session given (this browser's).
DROP FUNCTION earshot_change_password(text, text, text);
CREATE FUNCTION earshot_change_password(p_session_hash text, p_old_key text, p_new_hash text,
                                        p_new_session_hash text, p_expires_at timestamptz) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE u users;
BEGIN
  SELECT users.* INTO u FROM sessions s JOIN users ON users.id = s.user_id
   WHERE s.token_hash = p_session_hash AND s.expires_at > now();
  IF NOT FOUND OR NOT earshot_password_key_matches(u.password_hash, p_old_key) THEN
    RETURN false;
  END IF;
  PERFORM earshot_replace_password(u.id, p_new_hash);
  INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (u.id, p_new_session_hash, p_expires_at);
  RETURN true;
END $$;

-- The pending invitation behind a token hash, for the page that opens the link: no ticket, no write.
CREATE FUNCTION earshot_invitation_preview(p_token_hash text, p_session_hash text)
RETURNS TABLE (id uuid, email text, name text, role "Role", created_at timestamptz, expires_at timestamptz,
               tenant_id uuid, tenant_slug text, tenant_name text, account_exists boolean,
               signed_in_as_invitee boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT i.id, i.email, i.name, i.role, i.created_at, i.expires_at, t.id, t.slug, t.name, u.id IS NOT NULL,
         EXISTS (SELECT 1 FROM sessions s WHERE s.token_hash = p_session_hash AND s.user_id = u.id
                                            AND s.expires_at > now())
    FROM invitations i JOIN tenants t ON t.id = i.tenant_id LEFT JOIN users u ON u.email = i.email
   WHERE i.token_hash = p_token_hash
     AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
$$;

-- Accepts an invitation in one transaction. The invited email's existing account must prove itself (a live session
-- of that account, or the key its password derives); a new email gets an account with the hash the invitee's
-- password gave. Then the invitation is used up, the membership added (an existing member keeps their role) and a
-- session opened. outcome: accepted | invalid_token | password_required (existing account, no or stale proof) |
-- wrong_password | new_password_required (no account, no new password). The ticket opens the tenant for the rest of
-- the request.
CREATE FUNCTION earshot_accept_invitation(p_token_hash text, p_session_hash text, p_password_key text,
                                          p_new_password_hash text, p_name text, p_new_session_hash text,
                                          p_expires_at timestamptz)
RETURNS TABLE (outcome text, user_id uuid, email text, name text, tenant_id uuid, tenant_slug text, role "Role",
               ticket text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
#variable_conflict use_column
DECLARE
  inv invitations;
  u users;
  r "Role";
BEGIN
  SELECT * INTO inv FROM invitations i WHERE i.token_hash = p_token_hash
     AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
     FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'invalid_token', NULL::uuid, NULL, NULL, NULL::uuid, NULL, NULL::"Role", NULL;
    RETURN;
  END IF;
  SELECT * INTO u FROM users WHERE users.email = inv.email;
  IF NOT FOUND THEN
    IF p_new_password_hash IS NULL THEN
      RETURN QUERY SELECT 'new_password_required', NULL::uuid, NULL, NULL, NULL::uuid, NULL, NULL::"Role", NULL;
      RETURN;
    END IF;
    PERFORM earshot_check_password_hash(p_new_password_hash);
    INSERT INTO users (email, name, password_hash) VALUES (inv.email, p_name, p_new_password_hash)
      ON CONFLICT (email) DO NOTHING RETURNING * INTO u;
    -- The account appeared meanwhile (another link for this email): it must prove itself like any other.
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'password_required', NULL::uuid, NULL, NULL, NULL::uuid, NULL, NULL::"Role", NULL;
      RETURN;
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM sessions s WHERE s.token_hash = p_session_hash AND s.user_id = u.id
                                              AND s.expires_at > now())
        AND NOT earshot_password_key_matches(u.password_hash, p_password_key) THEN
    RETURN QUERY SELECT CASE WHEN p_password_key IS NULL THEN 'password_required' ELSE 'wrong_password' END,
                        NULL::uuid, NULL, NULL, NULL::uuid, NULL, NULL::"Role", NULL;
    RETURN;
  END IF;
  UPDATE invitations SET accepted_at = now(), accepted_by = u.id WHERE invitations.id = inv.id;
  INSERT INTO memberships AS m (tenant_id, user_id, role) VALUES (inv.tenant_id, u.id, inv.role)
    ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = m.role RETURNING m.role INTO r;
  INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (u.id, p_new_session_hash, p_expires_at);
  RETURN QUERY SELECT 'accepted', u.id, u.email, u.name, inv.tenant_id, t.slug, r, earshot_tenant_ticket(inv.tenant_id)
                 FROM tenants t WHERE t.id = inv.tenant_id;
END $$;

-- A cheap check before the API spends a password hash on a reset: is this token hash a pending link?
CREATE FUNCTION earshot_password_reset_pending(p_token_hash text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT EXISTS (SELECT 1 FROM password_resets
                  WHERE token_hash = p_token_hash AND used_at IS NULL AND expires_at > now())
$$;

-- Uses a reset link up and sets the password it is for (ending every session and every other link); returns the
-- account's email, or no row for a link that is not pending.
CREATE FUNCTION earshot_reset_password(p_token_hash text, p_new_hash text) RETURNS TABLE (email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE v_user uuid;
BEGIN
  UPDATE password_resets SET used_at = now()
   WHERE token_hash = p_token_hash AND used_at IS NULL AND expires_at > now()
  RETURNING user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  PERFORM earshot_replace_password(v_user, p_new_hash);
  RETURN QUERY SELECT u.email FROM users u WHERE u.id = v_user;
END $$;

-- An operator's set/reset-password link for a user (the CLI, as earshot_internal); NULL for an unknown user.
CREATE FUNCTION earshot_issue_password_reset(p_user uuid, p_token_hash text, p_ttl_seconds integer)
RETURNS timestamptz
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  INSERT INTO password_resets (user_id, token_hash, expires_at)
  SELECT id, p_token_hash, now() + make_interval(secs => p_ttl_seconds) FROM users WHERE id = p_user
  RETURNING expires_at
$$;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['earshot_change_password(text, text, text, text, timestamptz)',
                           'earshot_invitation_preview(text, text)',
                           'earshot_accept_invitation(text, text, text, text, text, text, timestamptz)',
                           'earshot_password_reset_pending(text)', 'earshot_reset_password(text, text)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO earshot_app', f);
  END LOOP;
END $$;
REVOKE ALL ON FUNCTION earshot_issue_password_reset(uuid, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION earshot_issue_password_reset(uuid, text, integer) TO earshot_internal;

-- Invitations replaced the API's global user lookup and creation: only the operator's CLI (`earshot user add`) still
-- looks an email up or creates an account, so the API's role loses both (an injected query can no longer probe which
-- emails are registered or create accounts).
REVOKE EXECUTE ON FUNCTION earshot_user_by_email(text) FROM earshot_app;
REVOKE EXECUTE ON FUNCTION earshot_create_user(text, text, text) FROM earshot_app;
GRANT EXECUTE ON FUNCTION earshot_user_by_email(text) TO earshot_internal;
GRANT EXECUTE ON FUNCTION earshot_create_user(text, text, text) TO earshot_internal;

-- earshot_storage_key_in_use (20261203300000, a definer function run as the owner) reads upload_items across
-- tenants; the table is FORCEd, so without this an owner that is not a superuser would see no item and let a queued
-- upload's bytes be deleted.
CREATE POLICY definer_access ON upload_items TO CURRENT_USER USING (true) WITH CHECK (true);
