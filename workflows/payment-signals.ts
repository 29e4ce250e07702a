import { defineSignal } from '@temporalio/workflow';
import type { PaymentEvent } from '../src/payments/payment-events.js';

/**
 * A verified payment fact from the gateway's webhooks (succeeded, failed, requires action,
 * refunded, disputed), sent to the subscription workflow `subscription:<id>` that owns the
 * invoice. Delivered at least once: the workflow drops repeats by `eventId`.
 */
export const paymentEventSignal = defineSignal<[PaymentEvent]>('paymentEvent');
