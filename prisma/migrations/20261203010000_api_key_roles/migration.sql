-- The four roles: admin, billing, support, read_only.
ALTER TYPE "ApiKeyRole" ADD VALUE 'billing';
ALTER TYPE "ApiKeyRole" ADD VALUE 'support';

-- Rotation: the old key may keep working for a grace period, and names its successor.
ALTER TABLE "api_keys" ADD COLUMN "expires_at" TIMESTAMP(3),
ADD COLUMN "replaced_by_id" TEXT;

-- Keys are listed newest first per tenant.
DROP INDEX "api_keys_tenant_id_idx";
CREATE INDEX "api_keys_tenant_id_created_at_id_idx" ON "api_keys"("tenant_id", "created_at", "id");
