import { z } from '@hono/zod-openapi';
import { resourceId } from './common.js';

/** One one-off charge as a client sends it: an amount per unit, or a catalog price, × quantity. */
export const invoiceItemBody = z
  .strictObject({
    description: z.string().trim().min(1).max(500).openapi({ example: 'Onboarding workshop' }),
    unitAmount: z.int().min(-1_000_000_000_000).max(1_000_000_000_000).optional().openapi({ description: 'Minor units per unit (negative: a one-off credit); or give priceId' }),
    priceId: resourceId.optional().openapi({ description: 'A licensed price of the catalog, priced for the quantity by its own model' }),
    quantity: z.int().min(1).max(1_000_000).optional().openapi({ description: 'Default 1' }),
    periodStart: z.iso.datetime({ offset: true }).optional().openapi({ description: 'The service period, shown on the invoice line' }),
    periodEnd: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi('InvoiceItemInput');

export type InvoiceItemBody = z.infer<typeof invoiceItemBody>;

/** The billing layer's item: instants as dates. */
export function invoiceItemFromBody(body: InvoiceItemBody) {
  const { periodStart, periodEnd, ...rest } = body;
  return { ...rest, ...(periodStart === undefined ? {} : { periodStart: new Date(periodStart) }), ...(periodEnd === undefined ? {} : { periodEnd: new Date(periodEnd) }) };
}

export const listInvoiceItemsQuery = z.strictObject({ status: z.enum(['pending', 'invoiced', 'deleted']).optional() });
