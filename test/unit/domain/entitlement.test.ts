import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveEntitlement, usageWindowAt, type EntitlementSource, type FeatureDefinition } from '../../../src/domain/index.js';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const source = (over: Partial<EntitlementSource> = {}): EntitlementSource => ({ subscriptionId: 'sub_1', plan: { value: null, limit: '100' }, override: null, extraQuota: '0', ...over });
const apiCalls = (enforcement: 'soft' | 'hard'): FeatureDefinition => ({ key: 'api_calls', type: 'metered', enforcement });
const window = { from: at('2026-03-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') };

describe('usageWindowAt', () => {
  it('fixed windows are the UTC day, the ISO week from Monday, and the calendar month', () => {
    // 2026-03-04 is a Wednesday: its ISO week starts Monday 2026-03-02.
    const instant = at('2026-03-04T17:45:00Z');
    expect(usageWindowAt('day', instant, null)).toEqual({ from: at('2026-03-04T00:00:00Z'), to: at('2026-03-05T00:00:00Z') });
    expect(usageWindowAt('week', instant, null)).toEqual({ from: at('2026-03-02T00:00:00Z'), to: at('2026-03-09T00:00:00Z') });
    expect(usageWindowAt('month', instant, null)).toEqual({ from: at('2026-03-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') });
    // A Monday and a Sunday belong to the week starting that Monday / six days before.
    expect(usageWindowAt('week', at('2026-03-09T00:00:00Z'), null)?.from).toBe(at('2026-03-09T00:00:00Z'));
    expect(usageWindowAt('week', at('2026-03-08T23:59:59.999Z'), null)?.from).toBe(at('2026-03-02T00:00:00Z'));
    // February of a leap year, and December rolling into the next year.
    expect(usageWindowAt('month', at('2028-02-29T12:00:00Z'), null)).toEqual({ from: at('2028-02-01T00:00:00Z'), to: at('2028-03-01T00:00:00Z') });
    expect(usageWindowAt('month', at('2026-12-31T23:00:00Z'), null)?.to).toBe(at('2027-01-01T00:00:00Z'));
  });

  it('a billing-period window is the current period, and none outside it', () => {
    expect(usageWindowAt('billing_period', at('2026-03-10T00:00:00Z'), window)).toEqual(window);
    expect(usageWindowAt('billing_period', window.to, window)).toBeNull();
    expect(usageWindowAt('billing_period', window.from, null)).toBeNull();
  });

  it('every fixed window contains its instant, has the right length, and the next window starts where it ends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom('day' as const, 'week' as const, 'month' as const), (instant, period) => {
        const w = usageWindowAt(period, instant, null)!;
        expect(w.from <= instant && instant < w.to).toBe(true);
        if (period === 'day') expect(w.to - w.from).toBe(DAY);
        if (period === 'week') {
          expect(w.to - w.from).toBe(7 * DAY);
          expect(new Date(w.from).getUTCDay()).toBe(1);
        }
        if (period === 'month') {
          expect(new Date(w.from).getUTCDate()).toBe(1);
          expect([28, 29, 30, 31]).toContain((w.to - w.from) / DAY);
        }
        expect(usageWindowAt(period, w.to, null)!.from).toBe(w.to);
        expect(usageWindowAt(period, w.to - 1, null)).toEqual(w);
      }),
    );
  });
});

describe('resolveEntitlement', () => {
  it('a hard limit allows below it and denies from the moment usage reaches it', () => {
    const check = (usage: string) => resolveEntitlement(apiCalls('hard'), [source()], { usage, window });
    expect(check('99')).toMatchObject({ hasAccess: true, limit: '100', usage: '99', remaining: '1', overage: '0', soft: false, resetsAt: window.to });
    expect(check('100')).toMatchObject({ hasAccess: false, remaining: '0', overage: '0' });
    expect(check('130')).toMatchObject({ hasAccess: false, remaining: '0', overage: '30' });
  });

  it('a soft limit always allows and reports the overage', () => {
    expect(resolveEntitlement(apiCalls('soft'), [source()], { usage: '130.5', window })).toMatchObject({ hasAccess: true, soft: true, remaining: '0', overage: '30.5' });
  });

  it('limits of several subscriptions add up with their extra quota; an unlimited one makes it unlimited', () => {
    const two = [source(), source({ subscriptionId: 'sub_2', plan: { value: null, limit: '50' }, extraQuota: '25' })];
    // 100 + 50 + 25 = 175; 175 − 170 = 5 left.
    expect(resolveEntitlement(apiCalls('hard'), two, { usage: '170', window })).toMatchObject({ hasAccess: true, limit: '175', remaining: '5' });
    const unlimited = [...two, source({ subscriptionId: 'sub_3', plan: { value: null, limit: null } })];
    expect(resolveEntitlement(apiCalls('hard'), unlimited, { usage: '1000000', window })).toMatchObject({ hasAccess: true, limit: null, remaining: null, usage: '1000000' });
  });

  it('an override replaces the plan: revokes it, raises the limit, lifts it, or grants a feature the plan lacks', () => {
    const override = (o: Partial<NonNullable<EntitlementSource['override']>>) => ({ hasAccess: true, value: null, limit: null, unlimited: false, ...o });
    expect(resolveEntitlement(apiCalls('hard'), [source({ override: override({ hasAccess: false }) })], { usage: '0', window }).hasAccess).toBe(false);
    expect(resolveEntitlement(apiCalls('hard'), [source({ override: override({ limit: '500' }) })], { usage: '200', window })).toMatchObject({ hasAccess: true, limit: '500' });
    expect(resolveEntitlement(apiCalls('hard'), [source({ override: override({ unlimited: true }) })], { usage: '200', window })).toMatchObject({ hasAccess: true, limit: null });
    // No plan grant and no limit in the override: granted, unlimited.
    expect(resolveEntitlement(apiCalls('hard'), [source({ plan: null, override: override({}) })], { usage: '5', window })).toMatchObject({ hasAccess: true, limit: null });
    const projects: FeatureDefinition = { key: 'projects', type: 'static', enforcement: null };
    expect(resolveEntitlement(projects, [source({ plan: { value: { max: 3 }, limit: null }, override: override({ value: { max: 10 } }) })], null)).toMatchObject({ hasAccess: true, value: { max: 10 } });
  });

  it('boolean and static features: granted by any subscription, the first one’s value', () => {
    const sso: FeatureDefinition = { key: 'sso', type: 'boolean', enforcement: null };
    expect(resolveEntitlement(sso, [], null)).toMatchObject({ hasAccess: false, limit: null, usage: null });
    expect(resolveEntitlement(sso, [source({ plan: null }), source({ plan: { value: null, limit: null } })], null).hasAccess).toBe(true);
    const seats: FeatureDefinition = { key: 'seats', type: 'static', enforcement: null };
    expect(resolveEntitlement(seats, [source({ plan: { value: 5, limit: null } }), source({ plan: { value: 9, limit: null } })], null).value).toBe(5);
  });

  it('with no granting subscription or no window a metered feature denies and still reports the usage', () => {
    expect(resolveEntitlement(apiCalls('soft'), [], { usage: '7', window })).toMatchObject({ hasAccess: false, usage: '7', limit: null });
    expect(resolveEntitlement(apiCalls('hard'), [source()], { usage: '0', window: null })).toMatchObject({ hasAccess: false, resetsAt: null });
  });

  it('property: remaining + usage − overage = limit, hard access is usage < limit, soft access is always granted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 500 }), fc.boolean(), (limit, usage, extra, soft) => {
        const answer = resolveEntitlement(apiCalls(soft ? 'soft' : 'hard'), [source({ plan: { value: null, limit: String(limit) }, extraQuota: String(extra) })], { usage: String(usage), window });
        const total = limit + extra;
        expect(Number(answer.limit)).toBe(total);
        expect(Number(answer.remaining) + usage - Number(answer.overage)).toBe(total);
        expect(answer.hasAccess).toBe(soft || usage < total);
      }),
    );
  });
});
