-- Outbound events: the outbox becomes the public event log (ordered by seq, stamped with the
-- catalog's API version), delivered to tenants' webhook endpoints and as customer emails.
ALTER TABLE "outbox_events" ADD COLUMN "seq" BIGSERIAL NOT NULL;
ALTER TABLE "outbox_events" ADD COLUMN "api_version" TEXT NOT NULL DEFAULT '2026-12-01';
CREATE UNIQUE INDEX "outbox_events_seq_key" ON "outbox_events"("seq");
CREATE INDEX "outbox_events_tenant_id_seq_idx" ON "outbox_events"("tenant_id", "seq");
CREATE INDEX "outbox_events_tenant_id_type_seq_idx" ON "outbox_events"("tenant_id", "type", "seq");
CREATE INDEX "outbox_events_tenant_id_aggregate_id_seq_idx" ON "outbox_events"("tenant_id", "aggregate_id", "seq");
-- The relay's queue: only rows not yet relayed.
CREATE INDEX "outbox_events_unpublished_seq_idx" ON "outbox_events"("seq") WHERE "published_at" IS NULL;
-- "Every event about this customer / invoice / subscription": ids inside the data.
CREATE INDEX "outbox_events_payload_idx" ON "outbox_events" USING GIN ("payload" jsonb_path_ops);

ALTER TABLE "billing_settings" ADD COLUMN "upcoming_renewal_notice_days" INTEGER NOT NULL DEFAULT 7;
ALTER TABLE "billing_settings" ADD COLUMN "invoice_overdue_days" INTEGER NOT NULL DEFAULT 7;

CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'succeeded', 'failed', 'endpoint_disabled');

CREATE TABLE "webhook_endpoints" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "event_types" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "secret" TEXT NOT NULL,
    "previous_secret" TEXT,
    "previous_secret_expires_at" TIMESTAMP(3),
    "failing_since" TIMESTAMP(3),
    "deleted_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_endpoints_tenant_id_created_at_idx" ON "webhook_endpoints"("tenant_id", "created_at");
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "endpoint_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "event_seq" BIGINT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "last_response_status" INTEGER,
    "last_attempt_at" TIMESTAMP(3),
    "next_attempt_at" TIMESTAMP(3),
    "delivered_at" TIMESTAMP(3),
    "dispatched_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_id_event_id_key" ON "webhook_deliveries"("endpoint_id", "event_id");
CREATE INDEX "webhook_deliveries_lane_idx" ON "webhook_deliveries"("endpoint_id", "aggregate_type", "aggregate_id", "status", "event_seq");
-- Lanes whose workflow start was not confirmed (the relay stopped between its commit and the start).
CREATE INDEX "webhook_deliveries_undispatched_idx" ON "webhook_deliveries"("created_at") WHERE "dispatched_at" IS NULL;
CREATE INDEX "webhook_deliveries_tenant_id_endpoint_id_created_at_idx" ON "webhook_deliveries"("tenant_id", "endpoint_id", "created_at");
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "webhook_delivery_attempts" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "endpoint_id" TEXT NOT NULL,
    "attempt_key" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "response_status" INTEGER,
    "response_body" TEXT,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "attempted_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "webhook_delivery_attempts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_delivery_attempts_delivery_id_attempt_key_key" ON "webhook_delivery_attempts"("delivery_id", "attempt_key");
CREATE INDEX "webhook_delivery_attempts_delivery_id_attempted_at_idx" ON "webhook_delivery_attempts"("delivery_id", "attempted_at");
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "email_templates" (
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "email_templates_pkey" PRIMARY KEY ("tenant_id", "kind")
);
ALTER TABLE "email_templates" ADD CONSTRAINT "email_templates_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TYPE "EmailNotificationStatus" AS ENUM ('pending', 'sent', 'failed', 'skipped');

CREATE TABLE "email_notifications" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "customer_id" TEXT,
    "to_address" TEXT,
    "subject" TEXT,
    "status" "EmailNotificationStatus" NOT NULL DEFAULT 'pending',
    "message_id" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMP(3),

    CONSTRAINT "email_notifications_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "email_notifications_tenant_id_event_id_kind_key" ON "email_notifications"("tenant_id", "event_id", "kind");
CREATE INDEX "email_notifications_tenant_id_created_at_idx" ON "email_notifications"("tenant_id", "created_at");
ALTER TABLE "email_notifications" ADD CONSTRAINT "email_notifications_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A hosted invoice page, linked from emails: an unguessable token names the invoice.
ALTER TABLE "invoices" ADD COLUMN "hosted_token" TEXT;
CREATE UNIQUE INDEX "invoices_hosted_token_key" ON "invoices"("hosted_token");
