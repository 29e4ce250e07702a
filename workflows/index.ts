/**
 * The barrel the worker bundles: every workflow the billing task queue runs is exported here.
 * Workflow code is deterministic: it imports activities type-only and talks to the outside world
 * only through them.
 */
export { subscriptionWorkflow } from './subscription.js';
export { paymentReconciliationWorkflow } from './payment-reconciliation.js';
export { stuckBillingSweepWorkflow } from './stuck-billing-sweep.js';
export { usageCloseOutWorkflow } from './usage-close-out.js';
export { usageThresholdsWorkflow } from './usage-thresholds.js';
export { billingNoticesWorkflow } from './billing-notices.js';
export { retentionWorkflow } from './retention.js';
export { billingSnapshotWorkflow } from './billing-snapshot.js';
export { invoiceCollectionWorkflow } from './invoice-collection.js';
export { emailSenderWorkflow, eventRelayWorkflow } from './event-relay.js';
export { webhookLaneWorkflow } from './webhook-lane.js';
export { webhookDeliveryWorkflow } from './webhook-delivery.js';
