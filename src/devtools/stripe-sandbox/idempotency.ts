import { StripeApiError } from './stripe-error.js';

/** What identifies a request for idempotency: Stripe compares the endpoint and the parameters. */
export interface RequestFingerprint {
  method: string;
  path: string;
  /** `canonicalParams` of the body: order-independent. */
  params: string;
}

export interface StoredResponse {
  key: string;
  fingerprint: RequestFingerprint;
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Unix seconds; Stripe forgets keys after 24 hours. */
  storedAt: number;
}

export type IdempotencyDecision =
  | { kind: 'execute' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'refuse'; error: StripeApiError };

const KEY_LIFETIME_SECONDS = 24 * 60 * 60;
// Stripe accepts idempotency keys of up to 255 characters.
const MAX_KEY_LENGTH = 255;

function idempotencyError(status: 400 | 409, message: string): StripeApiError {
  return new StripeApiError(status, { type: 'idempotency_error', message }, false);
}

/**
 * Stripe's idempotency: the first request with a key that starts executing owns it; its status
 * and body are stored (errors included) and replayed for the same request, refused for a
 * different one, and a concurrent request with the key gets 409 without executing.
 */
export class IdempotencyStore {
  private readonly stored = new Map<string, StoredResponse>();
  private readonly inFlight = new Set<string>();
  /** Keys stored or expired since the last `takeChanges` (for the journal). */
  private readonly changed = new Set<string>();

  constructor(private readonly now: () => number, initial: readonly StoredResponse[] = []) {
    for (const response of initial) this.stored.set(response.key, response);
  }

  /** Decides what to do with a request carrying `key`; `execute` also takes the key's lock. */
  begin(key: string, fingerprint: RequestFingerprint): IdempotencyDecision {
    if (key.length > MAX_KEY_LENGTH) {
      return {
        kind: 'refuse',
        error: new StripeApiError(
          400,
          { type: 'invalid_request_error', message: `Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.` },
          false,
        ),
      };
    }
    if (this.inFlight.has(key)) {
      return {
        kind: 'refuse',
        error: idempotencyError(
          409,
          'There is currently another in-progress request using this Stripe API key and idempotency key. Please try again later or use a different idempotency key.',
        ),
      };
    }
    const previous = this.stored.get(key);
    if (previous && previous.storedAt + KEY_LIFETIME_SECONDS < this.now()) {
      this.stored.delete(key);
      this.changed.add(key);
    }
    else if (previous) return this.compare(key, previous, fingerprint);
    this.inFlight.add(key);
    return { kind: 'execute' };
  }

  private compare(key: string, previous: StoredResponse, fingerprint: RequestFingerprint): IdempotencyDecision {
    const before = previous.fingerprint;
    if (before.method !== fingerprint.method || before.path !== fingerprint.path) {
      return {
        kind: 'refuse',
        error: idempotencyError(
          400,
          `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${before.method} ${before.path}' vs '${fingerprint.method} ${fingerprint.path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
        ),
      };
    }
    if (before.params !== fingerprint.params) {
      return {
        kind: 'refuse',
        error: idempotencyError(
          400,
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        ),
      };
    }
    return { kind: 'replay', response: previous };
  }

  /** Stores the executed request's answer and releases the key. */
  complete(response: Omit<StoredResponse, 'storedAt'>): void {
    this.stored.set(response.key, { ...response, storedAt: this.now() });
    this.changed.add(response.key);
    this.inFlight.delete(response.key);
  }

  /** Releases the key without storing: the request did not begin executing (validation failed). */
  release(key: string): void {
    this.inFlight.delete(key);
  }

  snapshot(): StoredResponse[] {
    return [...this.stored.values()];
  }

  /** The stored answers written (value) or expired (null) since the last call. */
  takeChanges(): Array<{ key: string; value: StoredResponse | null }> {
    const changes = [...this.changed].map((key) => ({ key, value: this.stored.get(key) ?? null }));
    this.changed.clear();
    return changes;
  }

  clear(): void {
    this.stored.clear();
    this.inFlight.clear();
    this.changed.clear();
  }
}
