import type { SubscriptionCommandDependencies } from './command-dependencies.js';

/**
 * The payment-method fan-out: every live subscription of the customer hears of its new default
 * method, so past-due invoices are retried at once and an unpaid subscription bills again; so
 * does the workflow of each of its open one-off invoices.
 */
export async function notifyPaymentMethodUpdated(
  deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>,
  input: { tenantId: string; customerId: string; paymentMethodId: string },
): Promise<{ notified: number }> {
  const live = await deps.prisma.subscription.findMany({ where: { tenantId: input.tenantId, customerId: input.customerId, status: { not: 'canceled' } }, select: { id: true } });
  await deps.workflows.paymentMethodUpdated(
    live.map((s) => s.id),
    input.paymentMethodId,
  );
  const oneOff = await deps.prisma.invoice.findMany({ where: { tenantId: input.tenantId, customerId: input.customerId, subscriptionId: null, status: 'open' }, select: { id: true } });
  if (oneOff.length > 0) await deps.workflows.oneOffInvoicesPaymentMethodUpdated(oneOff.map((invoice) => invoice.id));
  return { notified: live.length + oneOff.length };
}
