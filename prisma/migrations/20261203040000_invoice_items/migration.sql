-- One-off charges: pending invoice items that join the customer's next subscription invoice.
ALTER TYPE "InvoiceLineKind" ADD VALUE 'one_off';

CREATE TABLE "invoice_items" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "subscription_id" TEXT,
    "currency" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "price_id" TEXT,
    "quantity" INTEGER NOT NULL DEFAULT 1,
    "unit_amount_decimal" DECIMAL(30,12),
    "amount" BIGINT NOT NULL,
    "period_start" TIMESTAMP(3),
    "period_end" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'pending',
    "invoice_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "invoice_items_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "invoice_items_customer_id_status_created_at_idx" ON "invoice_items"("customer_id", "status", "created_at");
CREATE INDEX "invoice_items_invoice_id_idx" ON "invoice_items"("invoice_id");
CREATE INDEX "invoice_items_tenant_id_created_at_id_idx" ON "invoice_items"("tenant_id", "created_at", "id");

ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
