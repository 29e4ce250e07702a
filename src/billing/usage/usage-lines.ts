import { instantToIso, priceUsage, sameQuantity, subtractQuantities, type PriceDefinition } from '../../domain/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { moneyFromColumn } from '../amounts.js';
import { notFound } from '../failures.js';
import type { InvoiceLineInput, InvoiceUsage, UsageWindow } from '../invoices/invoice-input.js';
import { meterQuantity, quantityMeterOf, type QuantityMeter } from './meter-quantity.js';

/** What one usage line bills, kept so a later invoice can bill the difference when late usage arrives. */
export interface UsageChargeDraft {
  meterId: string;
  priceId: string;
  windowStart: number;
  windowEnd: number;
  /** The window's total quantity once this charge is billed. */
  quantity: string;
  /** What this charge adds (the whole price for the first billing, the difference for an adjustment). */
  amount: bigint;
  kind: 'period' | 'adjustment' | 'progressive';
}

export interface PricedUsage {
  lines: InvoiceLineInput[];
  charges: UsageChargeDraft[];
}

interface Context {
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  currency: string;
}

const span = (from: number, to: number) => `${instantToIso(from)} – ${instantToIso(to)}`;

async function catalogFor(tx: Prisma.TransactionClient, tenantId: string, priceIds: string[], meterIds: string[]) {
  const [prices, meters] = await Promise.all([
    tx.price.findMany({ where: { tenantId, id: { in: priceIds } } }),
    tx.meter.findMany({ where: { tenantId, id: { in: meterIds } } }),
  ]);
  const price = (id: string) => {
    const row = prices.find((p) => p.id === id);
    if (row === undefined) throw notFound('price', id);
    return row.definition as unknown as PriceDefinition;
  };
  const meter = (id: string): QuantityMeter & { displayName: string } => {
    const row = meters.find((m) => m.id === id);
    if (row === undefined) throw notFound('meter', id);
    return { ...quantityMeterOf(row), displayName: row.displayName };
  };
  return { price, meter };
}

function usageLine(input: { description: string; priceId: string; meterId: string; quantity: string; unitAmount: string | null; amount: bigint; currency: string; from: number; to: number }): InvoiceLineInput {
  return {
    kind: 'usage',
    description: input.description,
    priceId: input.priceId,
    quantity: null,
    unitAmountDecimal: input.unitAmount,
    amount: moneyFromColumn(input.amount, input.currency),
    periodStart: input.from,
    periodEnd: input.to,
    discountable: input.amount > 0n,
    meterId: input.meterId,
    usageQuantity: input.quantity,
  };
}

/** What threshold invoices (not void) billed of each window so far, keyed by price, meter and window start. */
async function progressiveBilled(tx: Prisma.TransactionClient, context: Context, starts: readonly number[], excludeInvoiceId: string | null): Promise<Map<string, Array<{ windowEnd: number; amount: bigint }>>> {
  const billed = new Map<string, Array<{ windowEnd: number; amount: bigint }>>();
  if (starts.length === 0 || context.subscriptionId === '') return billed;
  const rows = await tx.usageCharge.findMany({
    where: {
      tenantId: context.tenantId,
      subscriptionId: context.subscriptionId,
      kind: 'progressive',
      windowStart: { in: [...new Set(starts)].map((start) => new Date(start)) },
      invoice: { status: { not: 'void' } },
      ...(excludeInvoiceId === null ? {} : { invoiceId: { not: excludeInvoiceId } }),
    },
    select: { priceId: true, meterId: true, windowStart: true, windowEnd: true, amount: true },
  });
  for (const row of rows) {
    const key = `${row.priceId}|${row.meterId}|${row.windowStart.getTime()}`;
    billed.set(key, [...(billed.get(key) ?? []), { windowEnd: row.windowEnd.getTime(), amount: row.amount }]);
  }
  return billed;
}

/** What threshold invoices already billed of a window: their charges from its start that end inside it. */
function alreadyBilled(progressive: ReadonlyMap<string, ReadonlyArray<{ windowEnd: number; amount: bigint }>>, window: UsageWindow): bigint {
  return (progressive.get(`${window.priceId}|${window.meterId}|${window.from}`) ?? []).filter((charge) => charge.windowEnd <= window.to).reduce((sum, charge) => sum + charge.amount, 0n);
}

/**
 * The usage lines of an invoice, priced from the meters now: one line per window (its meter, the
 * aggregated quantity, the unit amount, the window), less what threshold invoices already billed
 * of that window; then one adjustment line per window billed before whose quantity has changed
 * since (late events), priced as the difference between what the window now costs and what was
 * billed for it, labelled with the window it belongs to. A threshold invoice (`progressive`)
 * bills each window up to now the same way: its price now less what earlier threshold invoices
 * billed — so the parts of a period always add up to the period's price, tiers included.
 */
export async function priceInvoiceUsage(tx: Prisma.TransactionClient, context: Context, usage: InvoiceUsage, excludeInvoiceId: string | null): Promise<PricedUsage> {
  const windows = usage.windows.filter((w) => w.to > w.from);
  const earlier =
    usage.reconcileSince === null
      ? []
      : await tx.usageCharge.findMany({
          where: {
            tenantId: context.tenantId,
            subscriptionId: context.subscriptionId,
            kind: { not: 'progressive' },
            windowEnd: { gt: new Date(usage.reconcileSince) },
            ...(excludeInvoiceId === null ? {} : { invoiceId: { not: excludeInvoiceId } }),
          },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        });
  const progressive = await progressiveBilled(tx, context, [...windows.map((w) => w.from), ...earlier.map((c) => c.windowStart.getTime())], excludeInvoiceId);
  const catalog = await catalogFor(
    tx,
    context.tenantId,
    [...new Set([...windows.map((w) => w.priceId), ...earlier.map((c) => c.priceId)])],
    [...new Set([...windows.map((w) => w.meterId), ...earlier.map((c) => c.meterId)])],
  );
  const lines: InvoiceLineInput[] = [];
  const charges: UsageChargeDraft[] = [];
  const quantityOf = (window: UsageWindow) => meterQuantity(tx, { tenantId: context.tenantId, customerId: context.customerId, meter: catalog.meter(window.meterId), from: window.from, to: window.to });
  for (const window of windows) {
    const meter = catalog.meter(window.meterId);
    const quantity = await quantityOf(window);
    const priced = priceUsage(catalog.price(window.priceId), quantity);
    const before = alreadyBilled(progressive, window);
    const amount = BigInt(priced.amount.amount) - before;
    if (usage.progressive === true && amount === 0n) continue;
    const description = before === 0n ? `${meter.displayName} (${span(window.from, window.to)})` : `${meter.displayName} (${span(window.from, window.to)}), less ${before} already invoiced on threshold invoices`;
    lines.push(usageLine({ description, priceId: window.priceId, meterId: window.meterId, quantity, unitAmount: priced.unitAmount, amount, currency: context.currency, from: window.from, to: window.to }));
    charges.push({ meterId: window.meterId, priceId: window.priceId, windowStart: window.from, windowEnd: window.to, quantity, amount, kind: usage.progressive === true ? 'progressive' : 'period' });
  }
  // Windows billed before: group their charges, compare what was billed (threshold invoices included) with what the window holds now.
  const billed = new Map<string, { window: UsageWindow; quantity: string; amount: bigint }>();
  for (const charge of earlier) {
    const window = { priceId: charge.priceId, meterId: charge.meterId, from: charge.windowStart.getTime(), to: charge.windowEnd.getTime() };
    const key = `${window.priceId}|${window.meterId}|${window.from}|${window.to}`;
    const known = billed.get(key);
    billed.set(key, { window, quantity: charge.quantity.toFixed(), amount: (known?.amount ?? alreadyBilled(progressive, window)) + charge.amount });
  }
  for (const { window, quantity: billedQuantity, amount: billedAmount } of billed.values()) {
    const quantity = await quantityOf(window);
    if (sameQuantity(quantity, billedQuantity)) continue;
    const priced = priceUsage(catalog.price(window.priceId), quantity);
    const difference = BigInt(priced.amount.amount) - billedAmount;
    const meter = catalog.meter(window.meterId);
    lines.push(
      usageLine({
        description: `Late usage: ${meter.displayName} (${span(window.from, window.to)}), ${subtractQuantities(quantity, billedQuantity)} more`,
        priceId: window.priceId,
        meterId: window.meterId,
        quantity: subtractQuantities(quantity, billedQuantity),
        unitAmount: priced.unitAmount,
        amount: difference,
        currency: context.currency,
        from: window.from,
        to: window.to,
      }),
    );
    charges.push({ meterId: window.meterId, priceId: window.priceId, windowStart: window.from, windowEnd: window.to, quantity, amount: difference, kind: 'adjustment' });
  }
  return { lines, charges };
}
