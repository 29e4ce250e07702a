import { z } from 'zod';
import { isCurrencyCode } from '../domain/index.js';
import { failure } from './failures.js';
import { describeIssue } from './validation-messages.js';

/** ISO 4217, any case in, upper case out (Stripe spells codes in lower case). */
export const currencySchema = z
  .string()
  .trim()
  .refine(isCurrencyCode, { message: 'Unknown ISO 4217 currency code' })
  .transform((code) => code.toUpperCase());

export const idSchema = z.string().trim().min(1);

export const metadataSchema = z.record(z.string(), z.unknown());

/** Parses input with a zod schema; every bad field is listed in one `invalid_input` error. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), ...describeIssue(issue, input) }));
    throw failure('invalid_input', `Invalid input: ${fields.map((field) => `${field.path || '(root)'}: ${field.message}`).join('; ')}`, {
      fields,
    });
  }
  return result.data;
}
