-- A payment attempt the gateway refused as an invalid request (not a card decline): the invoice
-- stays open and needs an operator's attention instead of dunning.
ALTER TYPE "PaymentAttemptStatus" ADD VALUE 'rejected';

-- AlterTable
ALTER TABLE "invoices" ADD COLUMN "consumed_discount_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "attention_reason" TEXT,
ADD COLUMN "attention_message" TEXT,
ADD COLUMN "attention_since" TIMESTAMP(3);
