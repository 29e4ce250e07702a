import { z } from '@hono/zod-openapi';
import { isCurrencyCode } from '../../domain/index.js';

/** Our ids (`cust_…`, `price_…`) and the gateway's (`pm_…`): letters, digits, `_` and `-`. */
export const resourceId = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id such as cust_…');

/** ISO 4217, any case (Stripe writes `usd`); checked against the currency table here so the field is named. */
export const currencyCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as USD')
  .refine((code) => isCurrencyCode(code.toUpperCase()), { message: 'Unknown ISO 4217 currency code' })
  .openapi({ example: 'USD' });

/** A caller's name for something (a change, a setup): printable ASCII, as an Idempotency-Key. */
export const clientToken = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** A name, description or other short free text. */
export const shortText = z.string().trim().min(1).max(500);

/** The caller's own key/value data on a resource, as in Stripe: up to 50 keys of scalars. */
export const metadata = z
  .record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
  .refine((value) => Object.keys(value).length <= 50, { message: 'At most 50 keys' })
  .openapi({ description: 'Up to 50 keys of your own data' });

/** The body of an action without parameters: nothing, or `{}`. */
export const emptyBody = z.strictObject({}).openapi('Empty');
