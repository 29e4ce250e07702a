-- The readable audit trail: who (key name), which request, and a redacted before/after diff.
ALTER TABLE "audit_log" ADD COLUMN "actor_name" TEXT,
ADD COLUMN "request_id" TEXT,
ADD COLUMN "status" TEXT NOT NULL DEFAULT 'recorded',
ADD COLUMN "before" JSONB,
ADD COLUMN "after" JSONB,
ADD COLUMN "changes" JSONB NOT NULL DEFAULT '[]';

CREATE INDEX "audit_log_tenant_id_created_at_id_idx" ON "audit_log"("tenant_id", "created_at", "id");
CREATE INDEX "audit_log_tenant_id_request_id_idx" ON "audit_log"("tenant_id", "request_id");
