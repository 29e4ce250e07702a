/**
 * The barrel the worker bundles: every workflow the billing task queue runs is exported here.
 * Workflow code is deterministic: it imports activities type-only and talks to the outside world
 * only through them.
 */
export { subscriptionWorkflow } from './subscription.js';
