import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeSandbox, SANDBOX_SECRET_KEY, type StripeSandbox } from '../../../../src/devtools/stripe-sandbox/index.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

// The sandbox keeps its state in a snapshot plus an append-only journal: a request writes what
// it changed, never the whole state, and a process killed right after an answer keeps that answer.

const form = (body: string, key?: string): RequestInit => ({
  method: 'POST',
  headers: { Authorization: `Bearer ${SANDBOX_SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded', ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
  body,
});

const dir = mkdtempSync(join(tmpdir(), 'stripe-sandbox-persistence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

async function pay(sandbox: StripeSandbox, invoiceId: string): Promise<{ id: string }> {
  const response = await sandbox.app.request('/v1/payment_intents', form(`amount=5000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[invoice_id]=${invoiceId}`, `invoice:${invoiceId}:attempt:1`));
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string };
}

const journalSize = (statePath: string): number => {
  try {
    return statSync(`${statePath}.journal`).size;
  } catch {
    return 0;
  }
};

describe('sandbox persistence (snapshot + journal)', () => {
  it('a request appends what it changed — the same few kB on a sandbox of 300 payments as on an empty one — and never rewrites the snapshot', async () => {
    const statePath = join(dir, 'growth.json');
    const sandbox = createStripeSandbox({ seed: 1, statePath });
    const growth: number[] = [];
    for (let i = 0; i < 300; i++) {
      const before = journalSize(statePath);
      await pay(sandbox, `inv_${i}`);
      growth.push(journalSize(statePath) - before);
    }
    // No snapshot yet: nothing was folded (the journal is far below the compaction size).
    expect(() => statSync(statePath)).toThrow();
    const first = growth[0]!;
    const last = growth[299]!;
    expect(first).toBeGreaterThan(0);
    // The same request shape writes the same records (payment intent, charge, events, stored answer): ids differ in nothing but digits.
    expect(Math.abs(last - first)).toBeLessThan(first * 0.05);
    await sandbox.close();
  });

  it('a restart replays the journal: every object, the ledger, stored answers and events, then folds it into the snapshot', async () => {
    const statePath = join(dir, 'restart.json');
    const first = createStripeSandbox({ seed: 1, statePath });
    const paid = await pay(first, 'inv_a');
    await pay(first, 'inv_b');
    const customer = (await (await first.app.request('/v1/customers', form('email=a@example.com'))).json()) as { id: string };
    await first.app.request(`/v1/customers/${customer.id}`, form('email=b@example.com'));
    // A declining card leaves no customer behind: created, then removed within the request.
    expect((await first.app.request('/v1/customers', form('email=gone@example.com&payment_method=pm_card_chargeDeclined'))).status).toBe(402);
    const eventsBefore = first.events().map((e) => e.id);
    // No close: as if the process were killed right after its last answer.

    const restarted = createStripeSandbox({ seed: 1, statePath });
    expect(journalSize(statePath)).toBe(0); // folded into the snapshot at open
    expect(restarted.ledger().map((c) => [c.metadata.invoice_id, c.status, c.amount])).toEqual([
      ['inv_a', 'succeeded', 5000],
      ['inv_b', 'succeeded', 5000],
    ]);
    expect(restarted.events().map((e) => e.id)).toEqual(eventsBefore);
    const replay = await restarted.app.request('/v1/payment_intents', form('amount=5000&currency=usd&payment_method=pm_card_visa&confirm=true&metadata[invoice_id]=inv_a', 'invoice:inv_a:attempt:1'));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe(paid.id);
    const kept = (await (await restarted.app.request(`/v1/customers/${customer.id}`, { headers: { Authorization: `Bearer ${SANDBOX_SECRET_KEY}` } })).json()) as { email: string };
    expect(kept.email).toBe('b@example.com');
    const snapshot = JSON.parse(readFileSync(statePath, 'utf8')) as { state: { customers: Array<{ email: string }> } };
    expect(snapshot.state.customers.map((c) => c.email)).toEqual(['b@example.com']);
    await first.close();
    await restarted.close();
  });

  it('a torn last line (a crash mid-append) is ignored; a damaged line before it is refused with the file named', async () => {
    const statePath = join(dir, 'torn.json');
    const first = createStripeSandbox({ seed: 1, statePath });
    await pay(first, 'inv_t');
    await first.close();
    appendFileSync(`${statePath}.journal`, '{"c":"customers","id":"cus_torn","v":{"id":"cus_to');
    const restarted = createStripeSandbox({ seed: 1, statePath });
    expect(restarted.ledger()).toHaveLength(1);
    await restarted.close();

    const damaged = join(dir, 'damaged.json');
    writeFileSync(`${damaged}.journal`, 'not json\n{"c":"reset"}\n');
    expect(() => createStripeSandbox({ seed: 1, statePath: damaged })).toThrow(/damaged\.json\.journal: line 1 is not JSON/);
  });

  it('folds the journal into a new snapshot while running once it outgrows its threshold, and loses nothing doing so', async () => {
    const statePath = join(dir, 'compact.json');
    const sandbox = createStripeSandbox({ seed: 1, statePath, compactJournalAt: 20_000 });
    for (let i = 0; i < 40; i++) await pay(sandbox, `inv_c${i}`);
    // A snapshot was written meanwhile, and the journal was cut back each time it outgrew twice the snapshot.
    const snapshotBytes = statSync(statePath).size;
    expect(snapshotBytes).toBeGreaterThan(20_000);
    expect(journalSize(statePath)).toBeLessThan(2 * snapshotBytes + 20_000);
    const restarted = createStripeSandbox({ seed: 1, statePath });
    expect(restarted.ledger().map((c) => c.metadata.invoice_id)).toEqual(Array.from({ length: 40 }, (_, i) => `inv_c${i}`));
    await sandbox.close();
    await restarted.close();
  });

  it('webhook deliveries still owed when the process dies are delivered by the next run, once it resumes them', async () => {
    const statePath = join(dir, 'webhooks.json');
    // The endpoint is down (nothing listens on port 1): every event stays owed.
    const first = createStripeSandbox({ seed: 1, statePath, webhook: { url: 'http://127.0.0.1:1/webhooks', secret: 'whsec_x', maxAttempts: 1000 } });
    await pay(first, 'inv_w');
    const owed = first.events().map((e) => e.id);
    expect(owed).toHaveLength(3); // payment_intent.created, charge.succeeded, payment_intent.succeeded
    // Killed: no close, no flush.

    receiver.received.length = 0;
    const restarted = createStripeSandbox({ seed: 1, statePath, webhook: { url: receiver.url, secret: 'whsec_x' } });
    await restarted.flushWebhooks();
    expect(receiver.received).toEqual([]); // nothing until resumed
    restarted.resumePendingWebhooks();
    await restarted.flushWebhooks();
    expect(receiver.received.map((r) => r.eventId).sort()).toEqual([...owed].sort());

    // Delivered is remembered too: a third run owes nothing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    receiver.received.length = 0;
    const third = createStripeSandbox({ seed: 1, statePath, webhook: { url: receiver.url, secret: 'whsec_x' } });
    third.resumePendingWebhooks();
    await third.flushWebhooks();
    expect(receiver.received).toEqual([]);
    expect((JSON.parse(readFileSync(statePath, 'utf8')) as { pendingWebhooks: string[] }).pendingWebhooks).toEqual([]);
    // The first run's endless retries stop with its reset.
    first.reset();
    for (const sandbox of [first, restarted, third]) await sandbox.close();
  });
});
