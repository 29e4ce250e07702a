-- A subscription started with a billing cycle anchor runs a stub period (index -1) from its start
-- to the anchor: prorated (true, Stripe's create_prorations) or free (false, proration none).
ALTER TABLE "subscriptions" ADD COLUMN "stub_prorated" BOOLEAN NOT NULL DEFAULT true;
