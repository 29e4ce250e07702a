-- Usage events are the highest-volume table and written only by ingestion, which takes the tenant
-- from the authenticated API key: the per-row foreign-key check (and the share lock it takes on the
-- tenant row under every concurrent ingest) is dropped.
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_tenant_id_fkey";
