import { resourceMissing } from './stripe-error.js';
import type {
  StripeCharge,
  StripeCustomer,
  StripeDispute,
  StripeEventShape,
  StripePaymentIntent,
  StripePaymentMethod,
  StripeRefund,
  StripeSetupIntent,
} from './stripe-objects.js';

export interface PaymentMethodRecord {
  object: StripePaymentMethod;
  /** The test token the card came from (`pm_card_visa`); its behaviour decides every payment. */
  token: string;
  /** 3-D Secure completed during setup, so off-session payments no longer need it. */
  setupAuthenticated: boolean;
  /** An unattached method may pay one PaymentIntent only; a detached one never again. */
  usedByPaymentIntent: string | null;
  detached: boolean;
}

export interface PaymentIntentRecord {
  object: StripePaymentIntent;
  /** Whether the latest confirmation was off-session (the customer is not there to authenticate). */
  offSession: boolean;
}

export interface ChargeRecord {
  object: StripeCharge;
  idempotencyKey: string | null;
  declineCode: string | null;
}

/**
 * Declines scheduled for a customer's next charges (the sandbox's control API): Stripe's own
 * decline cards refuse to be attached, so a customer with a working card is made to decline.
 */
export interface ChargeDeclineRecord {
  /** The customer's id (the key). */
  id: string;
  declineCode: string;
  /** Charges still to decline; null: every charge until cleared. */
  remaining: number | null;
}

/** The serialisable part of the sandbox: what a state file holds. */
export interface SandboxStateSnapshot {
  customers: StripeCustomer[];
  paymentMethods: PaymentMethodRecord[];
  setupIntents: StripeSetupIntent[];
  paymentIntents: PaymentIntentRecord[];
  charges: ChargeRecord[];
  refunds: StripeRefund[];
  disputes: StripeDispute[];
  /** Absent in state files written before scheduled declines existed. */
  chargeDeclines?: ChargeDeclineRecord[];
  events: StripeEventShape[];
}

/**
 * A map that remembers which keys were read, written or deleted since the last `takeTouched`.
 * Operations change the records they get in place, so a record read during a request may have
 * changed: the journal writes every touched record (a few per request, whatever the state's size).
 */
export class TrackedMap<V> extends Map<string, V> {
  private touched = new Set<string>();

  override get(key: string): V | undefined {
    this.touched.add(key);
    return super.get(key);
  }

  override set(key: string, value: V): this {
    this.touched.add(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.touched.add(key);
    return super.delete(key);
  }

  takeTouched(): string[] {
    const keys = [...this.touched];
    this.touched.clear();
    return keys;
  }
}

const byId = <T extends { id: string }>(items: readonly T[]): TrackedMap<T> => tracked(items.map((item) => [item.id, item]));
const byObjectId = <T extends { object: { id: string } }>(items: readonly T[]): TrackedMap<T> => tracked(items.map((item) => [item.object.id, item]));

function tracked<T>(entries: Array<[string, T]>): TrackedMap<T> {
  const map = new TrackedMap<T>();
  for (const [key, value] of entries) map.set(key, value);
  map.takeTouched();
  return map;
}

/** The collections of a snapshot that are keyed records (events are appended, never changed). */
export const RECORD_COLLECTIONS = ['customers', 'paymentMethods', 'setupIntents', 'paymentIntents', 'charges', 'refunds', 'disputes', 'chargeDeclines'] as const;
export type RecordCollection = (typeof RECORD_COLLECTIONS)[number];

/** What changed since the last `takeChanges`: records written (value) or deleted (null), and new events. */
export interface StateChanges {
  records: Array<{ collection: RecordCollection; id: string; value: unknown }>;
  events: StripeEventShape[];
}

/** Every Stripe object the sandbox holds. Maps keep insertion order, which is creation order. */
export class SandboxState {
  readonly customers: TrackedMap<StripeCustomer>;
  readonly paymentMethods: TrackedMap<PaymentMethodRecord>;
  readonly setupIntents: TrackedMap<StripeSetupIntent>;
  readonly paymentIntents: TrackedMap<PaymentIntentRecord>;
  readonly charges: TrackedMap<ChargeRecord>;
  readonly refunds: TrackedMap<StripeRefund>;
  readonly disputes: TrackedMap<StripeDispute>;
  readonly chargeDeclines: TrackedMap<ChargeDeclineRecord>;
  readonly events: StripeEventShape[];
  /** Events before this index are already in a snapshot or the journal. */
  private eventsTaken: number;

  constructor(snapshot?: SandboxStateSnapshot) {
    this.customers = byId(snapshot?.customers ?? []);
    this.paymentMethods = byObjectId(snapshot?.paymentMethods ?? []);
    this.setupIntents = byId(snapshot?.setupIntents ?? []);
    this.paymentIntents = byObjectId(snapshot?.paymentIntents ?? []);
    this.charges = byObjectId(snapshot?.charges ?? []);
    this.refunds = byId(snapshot?.refunds ?? []);
    this.disputes = byId(snapshot?.disputes ?? []);
    this.chargeDeclines = byId(snapshot?.chargeDeclines ?? []);
    this.events = [...(snapshot?.events ?? [])];
    this.eventsTaken = this.events.length;
  }

  /** The records touched and the events added since the last call (for the journal). */
  takeChanges(): StateChanges {
    const records: StateChanges['records'] = [];
    for (const collection of RECORD_COLLECTIONS) {
      const map = this[collection] as TrackedMap<unknown>;
      for (const id of map.takeTouched()) records.push({ collection, id, value: map.has(id) ? Map.prototype.get.call(map, id) : null });
    }
    const events = this.events.slice(this.eventsTaken);
    this.eventsTaken = this.events.length;
    return { records, events };
  }

  snapshot(): SandboxStateSnapshot {
    return {
      customers: [...this.customers.values()],
      paymentMethods: [...this.paymentMethods.values()],
      setupIntents: [...this.setupIntents.values()],
      paymentIntents: [...this.paymentIntents.values()],
      charges: [...this.charges.values()],
      refunds: [...this.refunds.values()],
      disputes: [...this.disputes.values()],
      chargeDeclines: [...this.chargeDeclines.values()],
      events: [...this.events],
    };
  }

  customer(id: string, param = 'id'): StripeCustomer {
    return found(this.customers.get(id), 'customer', id, param);
  }

  paymentMethod(id: string, param = 'id'): PaymentMethodRecord {
    return found(this.paymentMethods.get(id), 'PaymentMethod', id, param);
  }

  setupIntent(id: string, param = 'intent'): StripeSetupIntent {
    return found(this.setupIntents.get(id), 'setupintent', id, param);
  }

  paymentIntent(id: string, param = 'intent'): PaymentIntentRecord {
    return found(this.paymentIntents.get(id), 'payment_intent', id, param);
  }

  charge(id: string, param = 'charge'): ChargeRecord {
    return found(this.charges.get(id), 'charge', id, param);
  }

  refund(id: string, param = 'refund'): StripeRefund {
    return found(this.refunds.get(id), 'refund', id, param);
  }
}

function found<T>(value: T | undefined, noun: string, id: string, param: string): T {
  if (value === undefined) throw resourceMissing(noun, id, param);
  return value;
}
