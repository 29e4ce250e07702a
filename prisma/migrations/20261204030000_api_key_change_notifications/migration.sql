-- Every change to a key that decides whether (and as whom) it authenticates notifies the API
-- processes' key caches at commit, however it is made (the API, the CLI, SQL by hand).
CREATE FUNCTION notify_api_key_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('api_keys_changed', OLD.hashed_key);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER api_keys_changed
  AFTER UPDATE OF hashed_key, tenant_id, name, role, revoked_at, expires_at OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION notify_api_key_change();
