import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 text; rejection sampling keeps every character equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/**
 * Stripe-style prefixed ids (`ten_…`, `key_…`): the prefix says what an id names in logs, the
 * Temporal UI and support tickets; 22 base62 characters carry ~131 bits of randomness.
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(22)}`;
}

/**
 * An id derived from what names a request (tenant and Idempotency-Key): a create retried after a
 * crash produces the same id, so the row and its workflow are found rather than made twice.
 */
export function derivedId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000'), 'utf8').digest();
  let value = BigInt(`0x${digest.toString('hex')}`);
  let out = '';
  for (let i = 0; i < 22; i++) {
    out += ALPHABET[Number(value % 62n)];
    value /= 62n;
  }
  return `${prefix}_${out}`;
}
