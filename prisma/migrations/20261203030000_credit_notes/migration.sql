-- Credit notes and what invoices show of corrections, refunds and disputes.
ALTER TABLE "invoices" ADD COLUMN "amount_credited" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "amount_refunded" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "dispute_status" TEXT,
ADD COLUMN "disputed_amount" BIGINT NOT NULL DEFAULT 0;

ALTER TABLE "invoice_number_sequences" ADD COLUMN "next_credit_note_number" INTEGER NOT NULL DEFAULT 1;

CREATE TABLE "credit_notes" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "invoice_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "memo" TEXT,
    "outcome" TEXT NOT NULL,
    "subtotal" BIGINT NOT NULL,
    "adjustment" BIGINT NOT NULL,
    "total" BIGINT NOT NULL,
    "refund_status" TEXT,
    "gateway_refund_id" TEXT,
    "refund_failure" TEXT,
    "refunded_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_notes_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "credit_note_lines" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "credit_note_id" TEXT NOT NULL,
    "invoice_line_id" TEXT,
    "description" TEXT NOT NULL,
    "quantity" INTEGER,
    "amount" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "credit_note_lines_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "credit_notes_tenant_id_number_key" ON "credit_notes"("tenant_id", "number");
CREATE INDEX "credit_notes_invoice_id_idx" ON "credit_notes"("invoice_id");
CREATE INDEX "credit_notes_tenant_id_created_at_id_idx" ON "credit_notes"("tenant_id", "created_at", "id");
CREATE INDEX "credit_notes_refund_status_created_at_idx" ON "credit_notes"("refund_status", "created_at");
CREATE UNIQUE INDEX "credit_note_lines_credit_note_id_position_key" ON "credit_note_lines"("credit_note_id", "position");
CREATE INDEX "credit_note_lines_invoice_line_id_idx" ON "credit_note_lines"("invoice_line_id");

ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "credit_note_lines" ADD CONSTRAINT "credit_note_lines_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "credit_note_lines" ADD CONSTRAINT "credit_note_lines_credit_note_id_fkey" FOREIGN KEY ("credit_note_id") REFERENCES "credit_notes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
