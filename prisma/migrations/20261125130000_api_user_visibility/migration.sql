-- API (issue 6): tenant transactions see only the users who are members of the current tenant, and never
-- their password hashes. Sign-in and session lookups run as the owner role, outside row-level security.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_of_tenant ON users TO earshot_app
  USING (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id));

REVOKE SELECT ON users FROM earshot_app;
GRANT SELECT (id, email, name, created_at) ON users TO earshot_app;
