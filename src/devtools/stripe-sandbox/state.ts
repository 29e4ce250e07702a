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

/** The serialisable part of the sandbox: what a state file holds. */
export interface SandboxStateSnapshot {
  customers: StripeCustomer[];
  paymentMethods: PaymentMethodRecord[];
  setupIntents: StripeSetupIntent[];
  paymentIntents: PaymentIntentRecord[];
  charges: ChargeRecord[];
  refunds: StripeRefund[];
  disputes: StripeDispute[];
  events: StripeEventShape[];
}

const byId = <T extends { id: string }>(items: readonly T[]): Map<string, T> => new Map(items.map((item) => [item.id, item]));
const byObjectId = <T extends { object: { id: string } }>(items: readonly T[]): Map<string, T> =>
  new Map(items.map((item) => [item.object.id, item]));

/** Every Stripe object the sandbox holds. Maps keep insertion order, which is creation order. */
export class SandboxState {
  readonly customers: Map<string, StripeCustomer>;
  readonly paymentMethods: Map<string, PaymentMethodRecord>;
  readonly setupIntents: Map<string, StripeSetupIntent>;
  readonly paymentIntents: Map<string, PaymentIntentRecord>;
  readonly charges: Map<string, ChargeRecord>;
  readonly refunds: Map<string, StripeRefund>;
  readonly disputes: Map<string, StripeDispute>;
  readonly events: StripeEventShape[];

  constructor(snapshot?: SandboxStateSnapshot) {
    this.customers = byId(snapshot?.customers ?? []);
    this.paymentMethods = byObjectId(snapshot?.paymentMethods ?? []);
    this.setupIntents = byId(snapshot?.setupIntents ?? []);
    this.paymentIntents = byObjectId(snapshot?.paymentIntents ?? []);
    this.charges = byObjectId(snapshot?.charges ?? []);
    this.refunds = byId(snapshot?.refunds ?? []);
    this.disputes = byId(snapshot?.disputes ?? []);
    this.events = [...(snapshot?.events ?? [])];
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
