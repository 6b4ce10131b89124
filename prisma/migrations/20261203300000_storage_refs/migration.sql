-- Issue #18 (uploads): stored bytes are content-addressed and shared by every asset and upload item with the same
-- SHA-256, across tenants. Deleting an asset removes its bytes only when nothing else uses them; that question spans
-- tenants, which row-level security hides from earshot_app, so it is answered by a function that returns one
-- boolean and nothing about whose rows they are.
CREATE INDEX audio_assets_storage_key_idx ON audio_assets (storage_key);
CREATE INDEX upload_items_storage_key_idx ON upload_items (storage_key);
-- The worker's scan for unfinished items whose job was lost (requeueLostItems), per tenant.
CREATE INDEX upload_items_unfinished_idx ON upload_items (tenant_id) WHERE status IN ('queued', 'processing');

CREATE FUNCTION earshot_storage_key_in_use(p_key text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM audio_assets WHERE storage_key = p_key)
      OR EXISTS (SELECT 1 FROM upload_items WHERE storage_key = p_key AND status IN ('queued', 'processing'))
$$;
REVOKE ALL ON FUNCTION earshot_storage_key_in_use(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION earshot_storage_key_in_use(text) TO earshot_app;
