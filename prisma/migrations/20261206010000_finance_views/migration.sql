-- Finance views: the event-sourced MRR history analytics replay, and who an invoice PDF names as its issuer.
ALTER TABLE "billing_settings" ADD COLUMN "invoice_issuer_name" TEXT;
ALTER TABLE "billing_settings" ADD COLUMN "invoice_issuer_address" TEXT;
ALTER TABLE "billing_settings" ADD COLUMN "invoice_issuer_email" TEXT;
ALTER TABLE "billing_settings" ADD COLUMN "invoice_issuer_tax_id" TEXT;
ALTER TABLE "billing_settings" ADD COLUMN "invoice_footer" TEXT;

CREATE TABLE "subscription_mrr_changes" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "effective_at" TIMESTAMP(3) NOT NULL,
    "state_version" INTEGER NOT NULL,
    "status" "SubscriptionStatus" NOT NULL,
    "counted" BOOLEAN NOT NULL,
    "mrr" BIGINT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscription_mrr_changes_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "subscription_mrr_changes_subscription_id_state_version_key" ON "subscription_mrr_changes"("subscription_id", "state_version");
CREATE INDEX "subscription_mrr_changes_tenant_id_currency_effective_at_idx" ON "subscription_mrr_changes"("tenant_id", "currency", "effective_at");

ALTER TABLE "subscription_mrr_changes" ADD CONSTRAINT "subscription_mrr_changes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "subscription_mrr_changes" ADD CONSTRAINT "subscription_mrr_changes_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
