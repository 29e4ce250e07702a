import { DomainError } from './errors.js';

/**
 * A point in time as UTC epoch milliseconds. Chosen over `Date` because it is plain JSON (a `Date`
 * turns into a string inside a Temporal payload and comes back as one), compares with `<`, and
 * cannot be mutated. Functions accept a `Date`, epoch millis or an ISO-8601 string with an explicit
 * zone ({@link InstantInput}) and always return epoch millis.
 */
export type Instant = number;

/** Anything a domain function accepts as an instant. Strings must carry `Z` or an offset. */
export type InstantInput = Instant | Date | string;

/** One UTC day. UTC has no daylight-saving days, so every day is exactly this long. */
export const MS_PER_DAY = 86_400_000;

/** 1970-01-01 to 9999-12-31: the range where calendar arithmetic below is well defined. */
const MAX_INSTANT = 253_402_300_799_999;

const ZONED_ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Normalises an instant. A date-only ISO string is UTC midnight; a date-time string without `Z`
 * or an offset is refused because JavaScript would read it in the host's local zone, which would
 * make billing depend on where the worker runs.
 */
export function toInstant(input: InstantInput, field = 'instant'): Instant {
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else if (input instanceof Date) {
    value = input.getTime();
  } else if (typeof input === 'string' && ZONED_ISO.test(input.trim())) {
    value = Date.parse(input.trim());
  } else {
    throw new DomainError('invalid_instant', `${field} must be epoch millis, a Date or a zoned ISO-8601 string`, {
      field,
      value: String(input),
    });
  }
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_INSTANT) {
    throw new DomainError('invalid_instant', `${field} is not a valid instant between 1970 and 9999`, {
      field,
      value: String(input),
    });
  }
  return value;
}

/** ISO-8601 UTC rendering of an instant, e.g. `"2024-02-29T00:00:00.000Z"`. */
export function instantToIso(instant: Instant): string {
  return new Date(toInstant(instant)).toISOString();
}
