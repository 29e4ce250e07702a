import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, isEventType } from '../../../../src/billing/events/event-catalog.js';
import { EMAIL_KIND_NAMES, EMAIL_KINDS, emailKindFor } from '../../../../src/billing/notifications/email-kinds.js';
import { projectRoot } from '../../../../src/project-root.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### The event catalog'), readme.indexOf('### Webhook endpoints'));

describe('the event catalog', () => {
  it('has every type the issue names, and the README table lists exactly the catalog', () => {
    for (const type of [
      'customer.created', 'customer.updated',
      'subscription.created', 'subscription.updated', 'subscription.trial_will_end', 'subscription.paused', 'subscription.resumed', 'subscription.canceled',
      'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.overdue', 'invoice.voided', 'invoice.marked_uncollectible',
      'payment.succeeded', 'payment.failed', 'payment.refunded', 'credit_balance.adjusted',
      'usage.threshold_reached', 'billing.attention_required', 'reconciliation.discrepancy',
    ]) {
      expect(isEventType(type), type).toBe(true);
    }
    const documented = [...section.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(EVENT_TYPES);
  });

  it('each email is sent by one catalog event, and the README lists every email', () => {
    for (const kind of EMAIL_KIND_NAMES) {
      expect(isEventType(EMAIL_KINDS[kind].event), kind).toBe(true);
      expect(emailKindFor(EMAIL_KINDS[kind].event)).toBe(kind);
      expect(readme).toContain(`| \`${kind}\` | \`${EMAIL_KINDS[kind].event}\``);
    }
    expect(emailKindFor('invoice.voided')).toBeNull();
  });
});
