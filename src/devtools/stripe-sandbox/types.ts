import type { Hono } from 'hono';
import type { StripeEventShape } from './stripe-objects.js';

/**
 * Faults injected into `POST /v1/…` requests. The four rates are exclusive outcomes of one draw,
 * so their sum must not exceed 1.
 */
export interface SandboxFaults {
  /** 429 `rate_limit` before the request is processed: nothing executed, nothing stored. */
  rateLimitRate?: number;
  /** 500 `api_error` before processing: nothing stored, so a retry with the same key can succeed. */
  serverErrorRate?: number;
  /** Processed and its idempotent result stored, then the TCP connection is destroyed unanswered. */
  dropAfterCommitRate?: number;
  /** The request holds its idempotency key this long before being processed. */
  slowRate?: number;
  slowMs?: number;
  /** Path prefixes the random faults apply to (default: every POST under /v1). */
  paths?: string[];
}

/**
 * One-shot faults (`failNext`) may also be `invalid_request`: a 400 `invalid_request_error`
 * before processing, as Stripe answers a request it will never accept (nothing stored).
 */
export type SandboxFaultKind = 'rate_limit' | 'server_error' | 'drop_after_commit' | 'slow' | 'invalid_request';

export interface SandboxWebhookConfig {
  url: string;
  secret: string;
  /** Probability that a delivery is sent twice with the same event id. */
  duplicateRate?: number;
  /** Shuffle each batch of queued events (seeded) before sending, as Stripe gives no ordering. */
  reorder?: boolean;
  /** Attempts per delivery, retried on network errors and non-2xx answers (default 5). */
  maxAttempts?: number;
}

export interface LedgerCharge {
  id: string;
  paymentIntentId: string | null;
  /** Idempotency key of the API request that created the charge (null for sandbox-driven ones). */
  idempotencyKey: string | null;
  amount: number;
  currency: string;
  status: 'succeeded' | 'failed';
  customer: string | null;
  paymentMethod: string;
  metadata: Record<string, string>;
  refundedAmount: number;
  disputed: boolean;
  created: number;
  failureCode: string | null;
  declineCode: string | null;
}

export interface StripeSandboxOptions {
  faults?: SandboxFaults;
  webhook?: SandboxWebhookConfig;
  /** Seeds the RNG behind random faults, webhook duplication and reordering. */
  seed?: number;
  /** JSON snapshot, with an append-only journal beside it (`<path>.journal`) of every change: loaded at start, so `npm start` survives restarts. */
  statePath?: string;
  /** Journal size (bytes) past which it is folded into a new snapshot while running; default 8 MiB (or twice the snapshot, if larger). */
  compactJournalAt?: number;
  log?: (line: string) => void;
}

export interface RunningStripeSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StripeSandbox {
  /** Stripe's API under /v1, the control API under /_sandbox. */
  app: Hono;
  /** Port 0 picks a free port; the host defaults to 127.0.0.1. */
  listen(port?: number, host?: string): Promise<RunningStripeSandbox>;
  /** Every charge ever attempted, in creation order. */
  ledger(): LedgerCharge[];
  successfulChargesFor(metadataKey: string, value: string): LedgerCharge[];
  setFaults(faults: SandboxFaults): void;
  /** One-shot faults, consumed in order before any random fault is drawn. */
  failNext(kind: SandboxFaultKind, pathPrefix?: string, count?: number): void;
  configureWebhooks(config: SandboxWebhookConfig | null): void;
  /** Resolves when every queued delivery, retries included, has finished. */
  flushWebhooks(): Promise<void>;
  events(): StripeEventShape[];
  /** The customer completes (or fails) 3-D Secure for a PaymentIntent. */
  authenticatePaymentIntent(id: string, outcome?: 'succeed' | 'fail'): Promise<void>;
  /** The customer completes (or fails) 3-D Secure for a SetupIntent. */
  authenticateSetupIntent(id: string, outcome?: 'succeed' | 'fail'): Promise<void>;
  /** Throws at once for an unknown charge; resolves once the dispute is journaled. */
  disputeCharge(chargeId: string): Promise<void>;
  /** Closes an open dispute as won or lost (`charge.dispute.closed`); resolves once journaled. */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<void>;
  /**
   * The customer's next `count` charges (every one, without a count) decline with `declineCode`
   * (one of SCHEDULABLE_DECLINE_CODES), whatever card pays them; replaces an earlier schedule.
   */
  declineNextCharges(customerId: string, declineCode: string, count?: number): Promise<void>;
  /** The customer's charges follow their card again. */
  clearChargeDeclines(customerId: string): Promise<void>;
  /** Queues again the webhook deliveries a previous run still owed (call once the endpoint is up). */
  resumePendingWebhooks(): void;
  /** Back to the state, faults and webhook configuration the sandbox was created with. */
  reset(): void;
  /** Finishes the journal's writes (the state file stays usable without it: every answered request is already written). */
  close(): Promise<void>;
}
