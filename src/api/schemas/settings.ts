import { z } from '@hono/zod-openapi';
import { currencyCode } from './common.js';

export const createCouponBody = z
  .strictObject({
    code: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only').openapi({ description: 'What customers type in; unique per tenant' }),
    name: z.string().trim().min(1).max(200).nullable().optional(),
    percentOff: z.string().trim().regex(/^\d{1,3}(\.\d{1,6})?$/, 'a percentage such as "12.5"').optional(),
    amountOff: z.int().min(1).max(1_000_000_000_000).optional().openapi({ description: 'Minor units of `currency`' }),
    currency: currencyCode.optional(),
    duration: z.enum(['once', 'repeating', 'forever']),
    durationInPeriods: z.int().min(1).max(1000).optional().openapi({ description: 'With duration repeating: how many billing periods' }),
    maxRedemptions: z.int().min(1).optional(),
    redeemBy: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.percentOff === undefined) === (body.amountOff === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'Give exactly one of percentOff and amountOff', path: ['percentOff'] });
    }
    if (body.amountOff !== undefined && body.currency === undefined) ctx.addIssue({ code: 'custom', message: 'amountOff needs a currency', path: ['currency'] });
    if (body.duration === 'repeating' && body.durationInPeriods === undefined) {
      ctx.addIssue({ code: 'custom', message: 'A repeating coupon needs durationInPeriods', path: ['durationInPeriods'] });
    }
    if (body.duration !== 'repeating' && body.durationInPeriods !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'durationInPeriods applies only to duration repeating', path: ['durationInPeriods'] });
    }
  })
  .openapi('CreateCoupon');

export const listCouponsQuery = z.strictObject({
  active: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  code: z.string().trim().min(1).max(100).optional(),
});

export const dunningPolicyBody = z
  .strictObject({
    retryOffsetsDays: z.array(z.number().min(0).max(365)).max(30).openapi({ description: 'Retries, in days after the first failed attempt, strictly increasing' }),
    maxAttempts: z.int().min(1).max(31).nullable().optional(),
    hardDeclineCodes: z.array(z.string().trim().min(1).max(100)).max(100).optional().openapi({ description: 'Decline codes that stop dunning at once' }),
    finalAction: z.enum(['cancel', 'mark_unpaid', 'leave_past_due']),
    invoiceFinalState: z.enum(['uncollectible', 'open']).optional(),
    trialEndWithoutPaymentMethod: z.enum(['cancel', 'pause', 'create_invoice']).optional(),
  })
  .openapi('DunningPolicyInput');
