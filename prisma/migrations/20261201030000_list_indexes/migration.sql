-- Lists are newest first, paged by (created_at, id) cursors: without these, every page of
-- GET /v1/invoices or /v1/subscriptions scanned and sorted all of a tenant's rows.
CREATE INDEX "subscriptions_tenant_id_created_at_id_idx" ON "subscriptions"("tenant_id", "created_at", "id");
CREATE INDEX "invoices_tenant_id_created_at_id_idx" ON "invoices"("tenant_id", "created_at", "id");
CREATE INDEX "invoices_tenant_id_customer_id_created_at_id_idx" ON "invoices"("tenant_id", "customer_id", "created_at", "id");
