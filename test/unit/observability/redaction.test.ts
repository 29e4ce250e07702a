import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import { REDACTED, redactForLog, scrubText } from '../../../src/observability/redaction.js';

const dir = mkdtempSync(join(tmpdir(), 'billing-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base62 = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), minLength: 12, maxLength: 48 });
/** Secrets the way the system issues them: API keys, webhook secrets, Stripe keys. */
const secret = fc.oneof(
  base62.map((s) => `dbk_${s}`),
  base62.map((s) => `whsec_${s}`),
  base62.map((s) => `sk_test_${s}`),
  base62.map((s) => `rk_live_${s}`),
);
const email = fc.tuple(base62, base62).map(([user, host]) => `${user.slice(0, 10)}.x@${host.slice(0, 12)}.example.com`);
/** Text around a secret, without characters that would glue onto it (a key ends where its alphabet does). */
const around = fc.string({ unit: fc.constantFrom(' ', ':', '"', "'", '(', ')', ',', '=', '\n', 'a', 'Z', '9') , maxLength: 20 }).map((s) => (s === '' ? ' ' : ` ${s} `));

describe('scrubText', () => {
  it('removes every API key, webhook secret, Stripe key and email address from any text around it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(around, fc.oneof(secret, email)), { minLength: 1, maxLength: 5 }), around, (parts, tail) => {
        const text = parts.map(([before, value]) => `${before}${value}`).join('') + tail;
        const scrubbed = scrubText(text);
        for (const [, value] of parts) expect(scrubbed).not.toContain(value);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps what is not secret, and says what was removed', () => {
    expect(scrubText('invoice inv_123 for cust_456 failed: card_declined')).toBe('invoice inv_123 for cust_456 failed: card_declined');
    expect(scrubText('Authorization: Bearer dbk_abcdefghijklmnop')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(scrubText('key dbk_abcdefghijklmnop, secret whsec_QWERTYUIOPASDFGH')).toBe(`key dbk_${REDACTED}, secret whsec_${REDACTED}`);
    expect(scrubText('to ada@example.com')).toBe(`to [email ${REDACTED}]`);
  });
});

describe('redactForLog', () => {
  it('redacts secret and personal fields by name at any depth, and scrubs every string', () => {
    const value = {
      invoiceId: 'inv_1',
      headers: { Authorization: 'Bearer dbk_abcdefghijklmnop', 'content-type': 'application/json' },
      customer: { email: 'ada@example.com', name: 'Ada', card: { fingerprint: 'Xt5EWLLDS7FJjR1c', last4: '4242' } },
      endpoint: { secret: 'whsec_abcdefghijklmnop', url: 'https://example.com/hooks' },
      note: 'sent to ada@example.com',
      list: [{ apiKey: 'dbk_zzzzzzzzzzzzzzzz' }],
    };
    expect(redactForLog(value)).toEqual({
      invoiceId: 'inv_1',
      headers: { Authorization: REDACTED, 'content-type': 'application/json' },
      customer: { email: REDACTED, name: 'Ada', card: { fingerprint: REDACTED, last4: '4242' } },
      endpoint: { secret: REDACTED, url: 'https://example.com/hooks' },
      note: `sent to [email ${REDACTED}]`,
      list: [{ apiKey: REDACTED }],
    });
  });

  it('reduces errors to type, message, code and stack, scrubbed; survives cycles', () => {
    const error = Object.assign(new Error('key dbk_abcdefghijklmnop was revoked'), { code: 'invalid_api_key' });
    const out = redactForLog(error) as { type: string; message: string; code: string; stack: string };
    expect([out.type, out.message, out.code]).toEqual(['Error', `key dbk_${REDACTED} was revoked`, 'invalid_api_key']);
    expect(out.stack).not.toContain('dbk_abcdefghijklmnop');
    const cyclic: Record<string, unknown> = { id: 'x' };
    cyclic.self = cyclic;
    expect(redactForLog(cyclic)).toEqual({ id: 'x', self: '[circular]' });
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line with level, time, the message and fields, secrets redacted', () => {
    const file = join(dir, 'log-{pid}.ndjson');
    const logger = createLogger({ level: 'debug', file, base: { service: 'test' } });
    logger.info({ invoiceId: 'inv_9', authorization: 'Bearer dbk_abcdefghijklmnop' }, 'charged ada@example.com with key dbk_abcdefghijklmnop');
    logger.debug({ err: new Error('whsec_abcdefghijklmnop leaked') }, 'failed');
    logger.trace('not at debug');
    const lines = readFileSync(file.replace('{pid}', String(process.pid)), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'test', pid: process.pid, invoiceId: 'inv_9', authorization: REDACTED, msg: `charged [email ${REDACTED}] with key dbk_${REDACTED}` });
    expect(typeof lines[0]?.time).toBe('string');
    expect(lines[1]).toMatchObject({ level: 'debug', msg: 'failed', err: { type: 'Error', message: `whsec_${REDACTED} leaked` } });
    expect(readFileSync(file.replace('{pid}', String(process.pid)), 'utf8')).not.toMatch(/dbk_abcdefghijklmnop|whsec_abcdefghijklmnop|ada@example\.com/);
  });
});
