import { z } from '@hono/zod-openapi';
import { resourceId } from './common.js';

export const createCreditNoteBody = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          invoiceLineId: resourceId,
          amount: z.int().min(1).optional().openapi({ description: 'Part of the line, in minor units; leave out (and quantity) to credit what is left of it' }),
          quantity: z.int().min(1).optional().openapi({ description: 'Credit this many of its units' }),
        }),
      )
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "Lines to credit; each is credited with its share of the invoice's discounts and tax" }),
    amount: z.int().min(1).optional().openapi({ description: 'Or an amount of the invoice as a whole (minor units)' }),
    reason: z.enum(['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory', 'other']),
    memo: z.string().trim().min(1).max(500).optional(),
    outcome: z
      .enum(['refund', 'credit_balance', 'reduce_amount_due'])
      .optional()
      .openapi({ description: "A paid invoice: refund (the default) through the gateway, or credit_balance onto the customer's balance. An open one: reduce_amount_due (the default), through the workflow collecting it" }),
  })
  .openapi('CreateCreditNote');

export const listCreditNotesQuery = z.strictObject({ customerId: resourceId.optional(), invoiceId: resourceId.optional() });
