-- CreateEnum
CREATE TYPE "MeterAggregation" AS ENUM ('count', 'sum', 'max', 'latest', 'unique_count', 'weighted_sum');

-- AlterTable
ALTER TABLE "prices" ADD COLUMN "meter_id" TEXT;

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN "usage_from" TIMESTAMP(3),
ADD COLUMN "usage_closed_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "invoices" ADD COLUMN "applied_discount_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "invoice_lines" ADD COLUMN "meter_id" TEXT,
ADD COLUMN "usage_quantity" DECIMAL(38,12);

-- CreateTable
CREATE TABLE "meters" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "event_name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "aggregation" "MeterAggregation" NOT NULL,
    "value_property" TEXT,
    "unique_property" TEXT,
    "filters" JSONB NOT NULL DEFAULT '[]',
    "archived_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "meters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_events" (
    "tenant_id" TEXT NOT NULL,
    "transaction_id" TEXT NOT NULL,
    "event_name" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "subscription_id" TEXT,
    "timestamp" TIMESTAMP(3) NOT NULL,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "content_hash" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_events_pkey" PRIMARY KEY ("tenant_id","transaction_id")
);

-- CreateTable
CREATE TABLE "usage_rollups" (
    "tenant_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "meter_id" TEXT NOT NULL,
    "hour_start" TIMESTAMP(3) NOT NULL,
    "event_count" BIGINT NOT NULL DEFAULT 0,
    "value_sum" DECIMAL(38,12) NOT NULL DEFAULT 0,
    "value_max" DECIMAL(38,12),
    "latest_at" TIMESTAMP(3),
    "latest_transaction_id" TEXT,
    "latest_value" DECIMAL(38,12),
    "value_time_sum" DECIMAL(65,12) NOT NULL DEFAULT 0,

    CONSTRAINT "usage_rollups_pkey" PRIMARY KEY ("tenant_id","customer_id","meter_id","hour_start")
);

-- CreateTable
CREATE TABLE "usage_unique_values" (
    "tenant_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "meter_id" TEXT NOT NULL,
    "hour_start" TIMESTAMP(3) NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "usage_unique_values_pkey" PRIMARY KEY ("tenant_id","customer_id","meter_id","hour_start","value")
);

-- CreateTable
CREATE TABLE "usage_charges" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "invoice_id" TEXT NOT NULL,
    "meter_id" TEXT NOT NULL,
    "price_id" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "window_end" TIMESTAMP(3) NOT NULL,
    "quantity" DECIMAL(38,12) NOT NULL,
    "amount" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_charges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_settings" (
    "tenant_id" TEXT NOT NULL,
    "usage_grace_period_hours" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "billing_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateIndex
CREATE INDEX "prices_meter_id_idx" ON "prices"("meter_id");

-- CreateIndex
CREATE INDEX "meters_tenant_id_event_name_idx" ON "meters"("tenant_id", "event_name");

-- CreateIndex
CREATE UNIQUE INDEX "meters_tenant_id_key_key" ON "meters"("tenant_id", "key");

-- CreateIndex
CREATE INDEX "usage_events_tenant_id_customer_id_timestamp_idx" ON "usage_events"("tenant_id", "customer_id", "timestamp");

-- CreateIndex
CREATE INDEX "usage_charges_tenant_id_subscription_id_window_end_idx" ON "usage_charges"("tenant_id", "subscription_id", "window_end");

-- CreateIndex
CREATE INDEX "usage_charges_invoice_id_idx" ON "usage_charges"("invoice_id");

-- AddForeignKey
ALTER TABLE "prices" ADD CONSTRAINT "prices_meter_id_fkey" FOREIGN KEY ("meter_id") REFERENCES "meters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meters" ADD CONSTRAINT "meters_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_charges" ADD CONSTRAINT "usage_charges_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_charges" ADD CONSTRAINT "usage_charges_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_charges" ADD CONSTRAINT "usage_charges_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_settings" ADD CONSTRAINT "billing_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
