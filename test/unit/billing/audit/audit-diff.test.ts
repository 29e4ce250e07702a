import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditChanges } from '../../../../src/billing/audit/audit-diff.js';
import { REDACTED, redactAtPath, redactForAudit } from '../../../../src/billing/audit/audit-redaction.js';

// Keys without dots, so a nested path never reads like another field's.
const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
const inner = fc.dictionary(fc.constantFrom('a', 'b', 'c'), leaf, { maxKeys: 3 });
const value = fc.oneof(leaf, inner, fc.dictionary(fc.constantFrom('x', 'y'), inner, { maxKeys: 2 }));
const view = fc.dictionary(fc.constantFrom('status', 'amount', 'metadata', 'items', 'nested', 'note'), value, { maxKeys: 6 });

/** Applies a change list to a flattened copy: what auditChanges says must turn `before` into `after`. */
function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix === '' ? key : `${prefix}.${key}`, into);
  } else if (prefix !== '' && value !== null) into.set(prefix, JSON.stringify(value));
  return into;
}

describe('auditChanges', () => {
  it('names exactly the changed fields, with their old and new values', () => {
    expect(auditChanges({ status: 'open', total: 1000, metadata: { a: '1', b: '2' }, updatedAt: 'x' }, { status: 'void', total: 1000, metadata: { a: '1', c: '3' }, updatedAt: 'y' })).toEqual([
      { path: 'metadata.b', from: '2', to: null },
      { path: 'metadata.c', from: null, to: '3' },
      { path: 'status', from: 'open', to: 'void' },
    ]);
  });

  it('a create lists every field from null, a delete every field to null', () => {
    expect(auditChanges(null, { id: 'p_1', name: 'Plan' })).toEqual([
      { path: 'id', from: null, to: 'p_1' },
      { path: 'name', from: null, to: 'Plan' },
    ]);
    expect(auditChanges({ id: 'p_1' }, null)).toEqual([{ path: 'id', from: 'p_1', to: null }]);
  });

  it('property: no change between equal views; otherwise the changes carry before to after, field by field', () => {
    fc.assert(
      fc.property(view, view, (before, after) => {
        expect(auditChanges(before, before)).toEqual([]);
        const changes = auditChanges(before, after);
        const result = flatten(before);
        for (const change of changes) {
          expect(JSON.stringify(change.from)).toBe(result.get(change.path) ?? 'null');
          if (change.to === null) result.delete(change.path);
          else result.set(change.path, JSON.stringify(change.to));
        }
        const expected = flatten(after);
        expect(result).toEqual(expected);
        // Paths are sorted and unique.
        expect(changes.map((c) => c.path)).toEqual([...new Set(changes.map((c) => c.path))].sort());
      }),
    );
  });
});

describe('redactForAudit', () => {
  it("hides a customer's name, email, phone and address, and secrets anywhere; null stays null", () => {
    const customer = { id: 'cus_1', name: 'Ada Lovelace', email: 'ada@example.com', phone: null, address: { line1: '1 St', city: 'London' }, metadata: { note: 'vip' } };
    expect(redactForAudit('customer', customer)).toEqual({ id: 'cus_1', name: REDACTED, email: REDACTED, phone: null, address: REDACTED, metadata: { note: 'vip' } });
    expect(redactForAudit('api_key', { name: 'ci', secret: 'dbk_x', hashedKey: 'abc', prefix: 'dbk_1234' })).toEqual({ name: 'ci', secret: REDACTED, hashedKey: REDACTED, prefix: 'dbk_1234' });
    expect(redactForAudit('product', { name: 'Pro plan' })).toEqual({ name: 'Pro plan' });
    expect(redactForAudit('payment_method', { card: { last4: '4242' }, billingDetails: { email: 'x@y' }, fingerprint: 'fp' })).toEqual({ card: REDACTED, billingDetails: REDACTED, fingerprint: REDACTED });
  });

  it('property: a redacted view never contains the values of a personal or secret field, wherever it is nested', () => {
    const secretValue = fc.string({ minLength: 12, maxLength: 20, unit: fc.constantFrom(...'QWXZqwxz') }).map((s) => `S3CRET${s}`);
    const sensitive = fc.constantFrom('email', 'secret', 'password', 'customerEmail', 'webhookSecret', 'address', 'fingerprint', 'token');
    fc.assert(
      fc.property(view, sensitive, secretValue, fc.constantFrom('customer', 'invoice', 'api_key'), (base, field, secret, objectType) => {
        const nested = { ...base, holder: { [field]: secret, deeper: [{ [field]: secret }] }, [field]: secret };
        expect(JSON.stringify(redactForAudit(objectType, nested))).not.toContain(secret);
      }),
    );
  });
});

describe('redactAtPath', () => {
  it('redacts a changed value by where it sits in the view', () => {
    expect(redactAtPath('customer', 'email', 'a@b.c')).toBe(REDACTED);
    expect(redactAtPath('customer', 'address.city', 'London')).toBe(REDACTED);
    expect(redactAtPath('customer', 'name', 'Ada')).toBe(REDACTED);
    expect(redactAtPath('product', 'name', 'Pro')).toBe('Pro');
    expect(redactAtPath('customer', 'metadata.name', 'kept')).toBe('kept');
    expect(redactAtPath('customer', 'email', null)).toBeNull();
    expect(redactAtPath('invoice', 'holder', { secret: 'x', n: 1 })).toEqual({ secret: REDACTED, n: 1 });
  });
});
