-- Scheduled jobs (Temporal Schedules): one row per job run and scheduled time, the payment
-- reconciliation's findings, the daily billing snapshot, and the per-tenant settings they read.
ALTER TABLE "billing_settings"
  ADD COLUMN "reconcile_after_minutes" INTEGER NOT NULL DEFAULT 15,
  ADD COLUMN "snapshot_hour_utc" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "webhook_event_retention_days" INTEGER NOT NULL DEFAULT 30,
  ADD COLUMN "outbox_retention_days" INTEGER NOT NULL DEFAULT 30;

CREATE TABLE "job_runs" (
    "job" TEXT NOT NULL,
    "scheduled_at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "result" JSONB,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("job","scheduled_at")
);
CREATE INDEX "job_runs_job_completed_at_idx" ON "job_runs"("job", "completed_at");

CREATE TABLE "reconciliation_discrepancies" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "finding_key" TEXT NOT NULL,
    "invoice_id" TEXT,
    "subscription_id" TEXT,
    "payment_intent_id" TEXT,
    "amount" BIGINT,
    "currency" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "detected_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMP(3),

    CONSTRAINT "reconciliation_discrepancies_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "reconciliation_discrepancies_tenant_id_finding_key_key" ON "reconciliation_discrepancies"("tenant_id", "finding_key");
CREATE INDEX "reconciliation_discrepancies_tenant_id_detected_at_idx" ON "reconciliation_discrepancies"("tenant_id", "detected_at");
ALTER TABLE "reconciliation_discrepancies" ADD CONSTRAINT "reconciliation_discrepancies_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "billing_snapshots" (
    "tenant_id" TEXT NOT NULL,
    "snapshot_date" DATE NOT NULL,
    "currency" TEXT NOT NULL,
    "subscriptions_by_status" JSONB NOT NULL,
    "open_invoices" INTEGER NOT NULL,
    "overdue_invoices" INTEGER NOT NULL,
    "amount_due" BIGINT NOT NULL,
    "past_due_amount" BIGINT NOT NULL,
    "taken_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_snapshots_pkey" PRIMARY KEY ("tenant_id","snapshot_date","currency")
);
ALTER TABLE "billing_snapshots" ADD CONSTRAINT "billing_snapshots_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
