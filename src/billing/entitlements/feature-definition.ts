import { z } from 'zod';
import { FEATURE_TYPES, FEATURE_USAGE_PERIODS, normaliseQuantity, type FeatureType, type FeatureUsagePeriod } from '../../domain/index.js';

/** A feature key: what the product's code asks about (`sso`, `api_calls`, `max_projects`). */
export const featureKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'letters, digits, _ . : - (1 to 100, starting with a letter or digit)');

export const featureTypeSchema = z.enum(FEATURE_TYPES as readonly [FeatureType, ...FeatureType[]]);
export const featureUsagePeriodSchema = z.enum(FEATURE_USAGE_PERIODS as readonly [FeatureUsagePeriod, ...FeatureUsagePeriod[]]);
export const limitEnforcementSchema = z.enum(['soft', 'hard']);

const QUANTITY = /^\d{1,26}(\.\d{1,12})?$/;

/** A limit or an extra quota: a non-negative decimal (string or number), at most 12 places, normalised. */
export const quotaSchema = z
  .union([z.string().trim(), z.number().nonnegative()])
  .transform((value) => String(value))
  .refine((value) => QUANTITY.test(value), { message: 'must be a non-negative decimal with at most 12 decimal places' })
  .transform((value) => normaliseQuantity(value));

/** A static feature's value: any JSON up to 10 kB (a number, a string, an object of settings). */
const json = z.json();
const MAX_VALUE_DEPTH = 8;

/** Whether a value nests at most `max` arrays or objects deep (checked without recursion: a hostile body may nest thousands). */
function nestsAtMost(value: unknown, max: number): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return false;
    for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return true;
}

/** A static feature's value: JSON (not null) of at most 10,000 characters, nested at most 8 deep. */
export const staticValueSchema = z
  .unknown()
  .refine((value) => value !== null && value !== undefined && nestsAtMost(value, MAX_VALUE_DEPTH) && json.safeParse(value).success && JSON.stringify(value).length <= 10_000, {
    message: `must be a JSON value (not null) of at most 10,000 characters, nested at most ${MAX_VALUE_DEPTH} deep`,
  });
