import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../db/prisma-client.js';
import { toMajorString, type Money } from '../../domain/money.js';
import { moneyFromColumn } from '../amounts.js';
import type { EmailKind } from './email-kinds.js';

/** "12.34 USD": the currency's own exponent, and its code (never a symbol that two currencies share). */
export function formatMoney(value: Money): string {
  return `${toMajorString(value)} ${value.currency}`;
}

/** "5 March 2026" (UTC): the day the billing clock names. */
export function formatDay(value: Date | string | number): string {
  return new Date(value).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

/** The invoice's hosted page token, made the first time an email links to it. */
async function hostedToken(prisma: PrismaClient, invoiceId: string): Promise<string> {
  await prisma.invoice.updateMany({ where: { id: invoiceId, hostedToken: null }, data: { hostedToken: randomBytes(24).toString('base64url') } });
  return (await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { hostedToken: true } })).hostedToken!;
}

export interface EmailContextInput {
  tenantId: string;
  kind: EmailKind;
  customerId: string | null;
  data: Record<string, unknown>;
  /** The public base URL invoice links start with. */
  publicUrl: string;
}

/**
 * What a template can say, read fresh when the email is sent: tenant, customer, and by kind the
 * invoice (number, amount due, link), the payment (amount, reason, next retry) or the
 * subscription (trial end, renewal with its items, end).
 */
export async function loadEmailContext(prisma: PrismaClient, input: EmailContextInput): Promise<Record<string, unknown>> {
  const { data } = input;
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: input.tenantId }, select: { name: true } });
  const customer = input.customerId === null ? null : await prisma.customer.findFirst({ where: { id: input.customerId, tenantId: input.tenantId }, select: { name: true, email: true, defaultPaymentMethodId: true } });
  const context: Record<string, unknown> = {
    tenant: { name: tenant.name },
    customer: { name: customer?.name ?? customer?.email ?? 'there', email: customer?.email ?? null, hasPaymentMethod: (customer?.defaultPaymentMethodId ?? null) !== null },
  };
  const invoiceId = typeof data.invoiceId === 'string' ? data.invoiceId : null;
  if (invoiceId !== null) {
    const invoice = await prisma.invoice.findFirst({ where: { id: invoiceId, tenantId: input.tenantId }, select: { number: true, amountDue: true, total: true, currency: true, subscriptionId: true, paidAt: true } });
    if (invoice !== null) {
      const base = input.publicUrl.replace(/\/$/, '');
      context.invoice = {
        number: invoice.number ?? invoiceId,
        amountDue: formatMoney(moneyFromColumn(invoice.amountDue, invoice.currency)),
        total: formatMoney(moneyFromColumn(invoice.total, invoice.currency)),
        url: `${base}/hosted/invoices/${await hostedToken(prisma, invoiceId)}`,
        willBeCharged: (customer?.defaultPaymentMethodId ?? null) !== null,
      };
    }
  }
  if (input.kind === 'payment_failed' || input.kind === 'payment_succeeded') {
    const amount = data.amount as Money | undefined;
    const retry = typeof data.nextPaymentAttemptAt === 'string' ? data.nextPaymentAttemptAt : null;
    context.payment = {
      amount: amount === undefined ? null : formatMoney(amount),
      reason: typeof data.reason === 'string' ? data.reason.replaceAll('_', ' ') : null,
      nextRetryAt: retry === null ? null : formatDay(retry),
      paidAt: formatDay(Date.now()),
    };
  }
  const subscriptionId = typeof data.subscriptionId === 'string' ? data.subscriptionId : null;
  if (subscriptionId !== null && (input.kind === 'trial_ending' || input.kind === 'upcoming_renewal' || input.kind === 'subscription_canceled')) {
    const subscription = await prisma.subscription.findFirst({
      where: { id: subscriptionId, tenantId: input.tenantId },
      select: { trialEnd: true, endedAt: true, canceledAt: true, items: { select: { quantity: true, price: { select: { nickname: true, product: { select: { name: true } } } } } } },
    });
    if (subscription !== null) {
      context.subscription = {
        trialEnd: subscription.trialEnd === null ? null : formatDay(subscription.trialEnd),
        renewsAt: typeof data.renewsAt === 'string' ? formatDay(data.renewsAt) : null,
        endedAt: formatDay(subscription.endedAt ?? subscription.canceledAt ?? Date.now()),
        items: subscription.items.map((item) => ({ name: item.price.nickname ?? item.price.product.name, quantity: item.quantity })),
      };
    }
  }
  return context;
}
