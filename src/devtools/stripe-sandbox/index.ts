/**
 * A Stripe-compatible server for tests and local runs: the official SDK talks to it through its
 * host/port/protocol options. It mirrors what billing correctness depends on (test cards and
 * their outcomes, error shapes, idempotency keys, signed webhooks) and injects the failures that
 * cause double charges or lost payments (429, 500, slow answers, connections dropped after the
 * charge is committed). `ledger()` lists every charge attempt for assertions.
 */
export { createStripeSandbox, SANDBOX_SECRET_KEY } from './sandbox.js';
export { SANDBOX_API_VERSION } from './api-version.js';
export type {
  LedgerCharge,
  RunningStripeSandbox,
  SandboxFaultKind,
  SandboxFaults,
  SandboxWebhookConfig,
  StripeSandbox,
  StripeSandboxOptions,
} from './types.js';
export type { StripeEventShape } from './stripe-objects.js';
export { stripeSignatureHeader } from './webhook-signature.js';
