-- Earshot initial schema. Mirrors prisma/schema.prisma; adds what Prisma cannot express:
-- pgvector, the full-text document, HNSW indexes per model version, and row-level security.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TYPE "Role" AS ENUM ('viewer', 'archivist', 'admin');
CREATE TYPE "AssetStatus" AS ENUM ('pending', 'processing', 'ready', 'failed');
CREATE TYPE "BatchStatus" AS ENUM ('open', 'processing', 'done', 'failed');
CREATE TYPE "ItemStatus" AS ENUM ('queued', 'processing', 'done', 'duplicate', 'failed');

CREATE TABLE model_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  version text NOT NULL,
  dim integer NOT NULL CHECK (dim > 0 AND dim <= 2000),
  manifest jsonb NOT NULL DEFAULT '{}',
  metrics jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (name, version)
);

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text NOT NULL,
  search_model_version_id uuid REFERENCES model_versions(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role "Role" NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, user_id)
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL UNIQUE,
  hash text NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at timestamptz(3),
  revoked_at timestamptz(3)
);
CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id);

CREATE TABLE collections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

-- Immutable wrapper so the full-text document can be a generated column (array_to_string is only stable).
CREATE FUNCTION earshot_asset_document(title text, description text, tags text[], category text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(category, '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
$$;

CREATE TABLE audio_assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  storage_key text NOT NULL,
  sha256 text NOT NULL,
  original_filename text NOT NULL,
  mime text NOT NULL,
  codec text NOT NULL DEFAULT '',
  size_bytes bigint NOT NULL DEFAULT 0,
  duration_s double precision NOT NULL DEFAULT 0,
  sample_rate integer NOT NULL DEFAULT 0,
  channels integer NOT NULL DEFAULT 0,
  title text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  tags text[] NOT NULL DEFAULT '{}',
  category text NOT NULL DEFAULT '',
  licence text NOT NULL DEFAULT '',
  metadata jsonb NOT NULL DEFAULT '{}',
  peaks jsonb,
  status "AssetStatus" NOT NULL DEFAULT 'pending',
  search_document tsvector GENERATED ALWAYS AS (earshot_asset_document(title, description, tags, category)) STORED,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, sha256)
);
CREATE INDEX audio_assets_tenant_created_idx ON audio_assets (tenant_id, created_at);
CREATE INDEX audio_assets_search_document_idx ON audio_assets USING gin (search_document);
CREATE INDEX audio_assets_tags_idx ON audio_assets USING gin (tags);

CREATE TABLE collection_items (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  collection_id uuid NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  asset_id uuid NOT NULL REFERENCES audio_assets(id) ON DELETE CASCADE,
  position integer NOT NULL DEFAULT 0,
  added_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (collection_id, asset_id)
);

-- embedding has no fixed dimension: each model version has its own, and its own HNSW index
-- (created by earshot_ensure_segment_index), so a re-index can build new vectors beside the old ones.
CREATE TABLE segments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  asset_id uuid NOT NULL REFERENCES audio_assets(id) ON DELETE CASCADE,
  model_version_id uuid NOT NULL REFERENCES model_versions(id),
  start_s double precision NOT NULL,
  end_s double precision NOT NULL CHECK (end_s >= start_s),
  embedding vector NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX segments_tenant_model_idx ON segments (tenant_id, model_version_id);
CREATE INDEX segments_asset_idx ON segments (asset_id);

CREATE TABLE upload_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_by text,
  status "BatchStatus" NOT NULL DEFAULT 'open',
  source text NOT NULL DEFAULT '',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  finished_at timestamptz(3)
);
CREATE INDEX upload_batches_tenant_created_idx ON upload_batches (tenant_id, created_at);

CREATE TABLE upload_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  batch_id uuid NOT NULL REFERENCES upload_batches(id) ON DELETE CASCADE,
  filename text NOT NULL,
  size_bytes bigint NOT NULL DEFAULT 0,
  sha256 text,
  storage_key text,
  metadata jsonb NOT NULL DEFAULT '{}',
  status "ItemStatus" NOT NULL DEFAULT 'queued',
  progress double precision NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  error_code text,
  error_message text,
  asset_id uuid REFERENCES audio_assets(id) ON DELETE SET NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX upload_items_batch_idx ON upload_items (batch_id);

-- One HNSW (inner product) index per model version, over that version's rows only.
-- pgvector needs a fixed dimension per index, hence the cast expression; queries must use the same cast.
CREATE FUNCTION earshot_ensure_segment_index(p_model_version_id uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_dim integer;
  v_name text := 'segments_hnsw_' || replace(p_model_version_id::text, '-', '');
BEGIN
  SELECT dim INTO v_dim FROM model_versions WHERE id = p_model_version_id;
  IF v_dim IS NULL THEN
    RAISE EXCEPTION 'unknown model version %', p_model_version_id;
  END IF;
  EXECUTE format(
    'CREATE INDEX IF NOT EXISTS %I ON segments USING hnsw ((embedding::vector(%s)) vector_ip_ops) WHERE model_version_id = %L',
    v_name, v_dim, p_model_version_id);
  RETURN v_name;
END $$;

-- Row-level security: the application runs tenant work as earshot_app (no BYPASSRLS, not owner)
-- with the tenant in the transaction-local setting earshot.tenant_id.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'earshot_app') THEN
    CREATE ROLE earshot_app NOLOGIN NOBYPASSRLS;
  END IF;
END $$;

CREATE FUNCTION earshot_current_tenant() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('earshot.tenant_id', true), '')::uuid
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['memberships', 'api_keys', 'collections', 'collection_items', 'audio_assets',
                           'segments', 'upload_batches', 'upload_items'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO earshot_app USING (tenant_id = earshot_current_tenant()) WITH CHECK (tenant_id = earshot_current_tenant())',
      t);
  END LOOP;
END $$;

-- Tenants: an app transaction sees only its own tenant row.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_self ON tenants TO earshot_app USING (id = earshot_current_tenant());

GRANT USAGE ON SCHEMA public TO earshot_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, api_keys, collections, collection_items, audio_assets,
  segments, upload_batches, upload_items TO earshot_app;
GRANT SELECT ON tenants, model_versions TO earshot_app;
GRANT SELECT ON users TO earshot_app;
GRANT EXECUTE ON FUNCTION earshot_current_tenant() TO earshot_app;
