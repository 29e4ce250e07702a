import { Context } from '@temporalio/activity';
import { chargeInvoice as charge, type ChargeInvoiceInput, type ChargeInvoiceResult } from '../src/billing/invoices/charge-invoice.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';

/** Heartbeats every few seconds while the charge runs: a worker that dies mid-charge is noticed within the heartbeat timeout, not the start-to-close one. */
const HEARTBEAT_EVERY_MS = 2_000;

export async function chargeInvoice(deps: ActivityDependencies, input: ChargeInvoiceInput): Promise<ChargeInvoiceResult> {
  const heartbeat = activityHeartbeat();
  const timer = heartbeat === null ? null : setInterval(heartbeat, HEARTBEAT_EVERY_MS);
  try {
    heartbeat?.();
    return await charge(deps.prisma, deps.gateway, input, clockOf(deps));
  } finally {
    if (timer !== null) clearInterval(timer);
  }
}

function activityHeartbeat(): (() => void) | null {
  try {
    const context = Context.current();
    return () => context.heartbeat();
  } catch {
    return null; // called directly, outside an activity (a test or a script)
  }
}
