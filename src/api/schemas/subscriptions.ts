import { z } from '@hono/zod-openapi';
import { invoiceItemBody } from './invoice-items.js';
import { ATTENTION_FLAG_REASONS } from '../../../workflows/attention-flags.js';
import { SUBSCRIPTION_STATUSES } from '../../../workflows/subscription-status.js';
import { clientToken, resourceId } from './common.js';

const itemRequest = z.strictObject({
  priceId: resourceId,
  quantity: z.int().min(1).max(1_000_000).default(1),
});

const items = z
  .array(itemRequest)
  .min(1)
  .max(20)
  .refine((list) => new Set(list.map((item) => item.priceId)).size === list.length, { message: 'Each price may appear once; use the quantity for more' });

export const createSubscriptionBody = z
  .strictObject({
    customerId: resourceId,
    items,
    trialDays: z.int().min(0).max(730).nullable().optional().openapi({ description: 'Omit for the longest trial the prices offer; 0 or null for none' }),
    startAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When billing starts (default now); may be in the future' }),
    billingCycleAnchor: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Align renewals to this instant (after the start, at most one interval later): a stub period runs from the start to it, then full periods. Not with a trial' }),
    prorationBehavior: z
      .enum(['create_prorations', 'none'])
      .optional()
      .openapi({ description: 'With billingCycleAnchor: create_prorations (default) invoices the stub prorated at the start; none makes the stub free' }),
    oneTimeItems: z.array(invoiceItemBody).max(20).optional().openapi({ description: "Setup fees and other one-time charges, billed on the subscription's first invoice with its discounts and tax" }),
    spendThreshold: z
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .openapi({ description: 'Progressive billing: invoice the usage accrued in a period as soon as it reaches this many minor units (see PUT …/spend-threshold)' }),
  })
  .refine((body) => body.prorationBehavior === undefined || body.billingCycleAnchor !== undefined, { message: 'prorationBehavior applies only with billingCycleAnchor', path: ['prorationBehavior'] })
  .openapi('CreateSubscription');

const prorationBehavior = z.enum(['create_prorations', 'always_invoice', 'none']);

export const changeItemsBody = z
  .strictObject({
    items,
    prorationBehavior: prorationBehavior.optional().openapi({ description: 'Default create_prorations: proration lines go on the next invoice' }),
    effective: z.enum(['now', 'period_end']).optional().openapi({ description: 'Default: now for an upgrade, period_end for a downgrade' }),
    changeId: clientToken.optional().openapi({ description: 'Applies the change once; defaults to the Idempotency-Key' }),
  })
  .openapi('ChangeItems');

export const previewChangeBody = changeItemsBody.omit({ changeId: true }).openapi('PreviewChange');

export const cancelBody = z
  .strictObject({
    mode: z.enum(['now', 'period_end']).default('period_end'),
    prorate: z.boolean().optional().openapi({ description: 'With mode now: credit the unused part of the period to the customer balance' }),
  })
  .refine((body) => !(body.prorate === true && body.mode !== 'now'), { message: 'prorate applies only to mode now', path: ['prorate'] })
  .openapi('CancelSubscription');

export const listSubscriptionsQuery = z.strictObject({
  status: z.enum(SUBSCRIPTION_STATUSES).optional(),
  customerId: resourceId.optional(),
  priceId: resourceId.optional(),
});

const minorUnits = z.int().openapi({ description: 'Minor units (cents) of the object’s currency' });

const prorationLine = z.object({
  priceId: z.string(),
  kind: z.enum(['unused_time', 'remaining_time', 'new_period']),
  description: z.string(),
  amount: minorUnits,
  quantity: z.int(),
  periodStart: z.string(),
  periodEnd: z.string(),
});

export const changePreviewSchema = z
  .object({
    direction: z.enum(['upgrade', 'downgrade', 'unchanged']),
    effective: z.enum(['now', 'period_end']),
    effectiveAt: z.string(),
    prorationBehavior,
    currency: z.string(),
    lines: z.array(prorationLine),
    credit: minorUnits,
    charge: minorUnits,
    net: minorUnits,
    anchorReset: z.boolean(),
  })
  .openapi('ChangePreview');

export const changeResultSchema = z
  .object({
    changeId: z.string(),
    status: z.enum(['applied', 'scheduled', 'pending_payment', 'payment_failed']),
    preview: changePreviewSchema,
    invoiceId: z.string().nullable(),
    declineCode: z.string().nullable(),
  })
  .openapi('ChangeResult');

const itemView = z.object({ priceId: z.string(), quantity: z.number() });

/** The workflow's answer to `getState`: what is in force now and what it will do next. */
export const liveStateSchema = z
  .object({
    status: z.string(),
    currentPeriod: z.object({ index: z.number(), start: z.string(), end: z.string() }).nullable(),
    trialEnd: z.string().nullable(),
    cancelAtPeriodEnd: z.boolean(),
    items: z.array(itemView),
    scheduledChange: z.object({ changeId: z.string(), items: z.array(itemView), effectiveAt: z.string() }).nullable(),
    pendingPaymentChange: z.object({ changeId: z.string(), items: z.array(itemView), invoiceId: z.string(), expiresAt: z.string() }).nullable(),
    pendingProrations: minorUnits,
    currency: z.string(),
    collections: z.array(
      z.object({
        invoiceId: z.string(),
        attempts: z.number(),
        nextRetryAt: z.string().nullable(),
        waitingForCustomer: z.boolean(),
        lastDeclineCode: z.string().nullable(),
        attention: z.object({ reason: z.string(), message: z.string(), since: z.string() }).nullable(),
      }),
    ),
    nextAction: z.object({ kind: z.string(), at: z.string().nullable() }),
    attention: z
      .object({ reason: z.enum(['workflow_error', 'gateway_rejected', ...ATTENTION_FLAG_REASONS]), message: z.string(), since: z.string(), invoiceId: z.string().nullable(), retryAt: z.string().nullable() })
      .nullable()
      .openapi({ description: 'Set while billing waits for an operator: a failed billing step (retried after a back-off) or an invoice the gateway refused to charge' }),
  })
  .passthrough()
  .openapi('SubscriptionLiveState');
