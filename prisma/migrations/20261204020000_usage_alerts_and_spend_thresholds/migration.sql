-- Usage alerts (thresholds that fire once per period) and spend thresholds (progressive billing).
ALTER TABLE "subscriptions" ADD COLUMN "spend_threshold" BIGINT;

CREATE TABLE "usage_alerts" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "meter_id" TEXT NOT NULL,
    "feature_id" TEXT,
    "thresholds" JSONB NOT NULL,
    "name" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "usage_alerts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "usage_alert_firings" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "alert_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "threshold" TEXT NOT NULL,
    "period_start" TIMESTAMP(3) NOT NULL,
    "period_end" TIMESTAMP(3) NOT NULL,
    "threshold_quantity" DECIMAL(38,12) NOT NULL,
    "usage" DECIMAL(38,12) NOT NULL,
    "fired_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "usage_alert_firings_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "usage_alerts_tenant_id_subscription_id_idx" ON "usage_alerts"("tenant_id", "subscription_id");
CREATE UNIQUE INDEX "usage_alert_firings_alert_id_threshold_period_start_key" ON "usage_alert_firings"("alert_id", "threshold", "period_start");
CREATE INDEX "usage_alert_firings_subscription_id_fired_at_idx" ON "usage_alert_firings"("subscription_id", "fired_at");

ALTER TABLE "usage_alerts" ADD CONSTRAINT "usage_alerts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "usage_alerts" ADD CONSTRAINT "usage_alerts_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "usage_alerts" ADD CONSTRAINT "usage_alerts_meter_id_fkey" FOREIGN KEY ("meter_id") REFERENCES "meters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "usage_alerts" ADD CONSTRAINT "usage_alerts_feature_id_fkey" FOREIGN KEY ("feature_id") REFERENCES "features"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "usage_alert_firings" ADD CONSTRAINT "usage_alert_firings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "usage_alert_firings" ADD CONSTRAINT "usage_alert_firings_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "usage_alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
