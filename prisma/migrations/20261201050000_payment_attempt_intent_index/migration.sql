-- A Stripe webhook looks up the attempt it reports on: when that attempt already holds the
-- outcome (a charge answered at once), nothing is signalled to the subscription's workflow.
CREATE INDEX "payment_attempts_gateway_payment_intent_id_idx" ON "payment_attempts"("gateway_payment_intent_id");
