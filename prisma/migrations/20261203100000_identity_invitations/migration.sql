-- Identity (issue 18, item 1): invitations are single-use, expiring tokens the invitee opens to set their own
-- password or to prove an existing one; password resets are operator-issued single-use links. Both store only the
-- SHA-256 of their 256-bit token, like sessions.

-- A user created by the operator (`earshot user add`) has no password until they open their set-password link.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

-- Tenant-owned, so under row-level security like every tenant table. The link carries the tenant id, so even the
-- lookup by token runs inside that tenant's transaction.
CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email text NOT NULL,
  name text NOT NULL DEFAULT '',
  role "Role" NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  accepted_at timestamptz(3),
  accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
  revoked_at timestamptz(3)
);
CREATE INDEX invitations_tenant_created_idx ON invitations (tenant_id, created_at);

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations TO earshot_app
  USING (tenant_id = earshot_current_tenant()) WITH CHECK (tenant_id = earshot_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO earshot_app;

-- Global identity data like sessions: read and written only by the identity code (never inside a tenant), so
-- earshot_app gets no grant on it.
CREATE TABLE password_resets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  used_at timestamptz(3)
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
