-- Entitlements: features, what plans grant of them, and per-subscription overrides and one-period grants.
CREATE TYPE "FeatureType" AS ENUM ('boolean', 'static', 'metered');
CREATE TYPE "FeatureUsagePeriod" AS ENUM ('billing_period', 'day', 'week', 'month');
CREATE TYPE "LimitEnforcement" AS ENUM ('soft', 'hard');

CREATE TABLE "features" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "FeatureType" NOT NULL,
    "meter_id" TEXT,
    "usage_period" "FeatureUsagePeriod",
    "enforcement" "LimitEnforcement",
    "archived_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "features_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "plan_entitlements" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "feature_id" TEXT NOT NULL,
    "product_id" TEXT,
    "price_id" TEXT,
    "value" JSONB,
    "limit" DECIMAL(38,12),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "plan_entitlements_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "entitlement_overrides" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "feature_id" TEXT NOT NULL,
    "has_access" BOOLEAN NOT NULL DEFAULT true,
    "value" JSONB,
    "limit" DECIMAL(38,12),
    "unlimited" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "entitlement_overrides_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "entitlement_grants" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "feature_id" TEXT NOT NULL,
    "quantity" DECIMAL(38,12) NOT NULL,
    "period_start" TIMESTAMP(3) NOT NULL,
    "period_end" TIMESTAMP(3) NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entitlement_grants_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "features_tenant_id_key_key" ON "features"("tenant_id", "key");
CREATE INDEX "features_tenant_id_created_at_id_idx" ON "features"("tenant_id", "created_at", "id");
CREATE UNIQUE INDEX "plan_entitlements_feature_id_product_id_key" ON "plan_entitlements"("feature_id", "product_id");
CREATE UNIQUE INDEX "plan_entitlements_feature_id_price_id_key" ON "plan_entitlements"("feature_id", "price_id");
CREATE INDEX "plan_entitlements_tenant_id_product_id_idx" ON "plan_entitlements"("tenant_id", "product_id");
CREATE INDEX "plan_entitlements_tenant_id_price_id_idx" ON "plan_entitlements"("tenant_id", "price_id");
CREATE UNIQUE INDEX "entitlement_overrides_subscription_id_feature_id_key" ON "entitlement_overrides"("subscription_id", "feature_id");
CREATE INDEX "entitlement_grants_subscription_id_feature_id_period_end_idx" ON "entitlement_grants"("subscription_id", "feature_id", "period_end");

ALTER TABLE "features" ADD CONSTRAINT "features_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "features" ADD CONSTRAINT "features_meter_id_fkey" FOREIGN KEY ("meter_id") REFERENCES "meters"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "plan_entitlements" ADD CONSTRAINT "plan_entitlements_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "plan_entitlements" ADD CONSTRAINT "plan_entitlements_feature_id_fkey" FOREIGN KEY ("feature_id") REFERENCES "features"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "plan_entitlements" ADD CONSTRAINT "plan_entitlements_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "plan_entitlements" ADD CONSTRAINT "plan_entitlements_price_id_fkey" FOREIGN KEY ("price_id") REFERENCES "prices"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "entitlement_overrides" ADD CONSTRAINT "entitlement_overrides_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "entitlement_overrides" ADD CONSTRAINT "entitlement_overrides_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "entitlement_overrides" ADD CONSTRAINT "entitlement_overrides_feature_id_fkey" FOREIGN KEY ("feature_id") REFERENCES "features"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "entitlement_grants" ADD CONSTRAINT "entitlement_grants_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "entitlement_grants" ADD CONSTRAINT "entitlement_grants_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "entitlement_grants" ADD CONSTRAINT "entitlement_grants_feature_id_fkey" FOREIGN KEY ("feature_id") REFERENCES "features"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
