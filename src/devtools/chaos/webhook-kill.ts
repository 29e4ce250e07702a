import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { apiClient, createBenchPrice, waitUntil } from '../bench/bench-support.js';
import type { ChaosStack } from './chaos-stack.js';
import { signUpBurst } from './chaos-load.js';

export interface WebhookKillReport {
  /** Events the endpoint must get: written since it was registered, or relayed to it from a backlog. */
  events: number;
  /** HTTP requests the receiver got (duplicates included). */
  requests: number;
  /** Distinct webhook-ids received. */
  received: number;
  /** Requests beyond the first of their webhook-id (at-least-once: allowed, with the same id and body). */
  duplicates: number;
  missing: string[];
  badSignatures: string[];
  /** A webhook-id that came with two different bodies. */
  changedBodies: string[];
  /** Objects whose events first arrived out of their commit order. */
  outOfOrder: string[];
  undelivered: number;
  ok: boolean;
}

interface Received {
  id: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Webhooks under a worker killed mid-delivery: an endpoint on a receiver in this process (each
 * answer 150 ms late, so deliveries are in flight), a burst of signups, the worker killed with
 * SIGKILL once the first deliveries arrive and replaced 2 s later. Then every event written must
 * have reached the receiver — signed, its body unchanged across repeats, in order per object.
 */
export async function webhooksUnderWorkerKill(stack: ChaosStack, options: { count: number; clients: number; say: (line: string) => void }): Promise<WebhookKillReport> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ id: String(req.headers['webhook-id']), body: Buffer.concat(chunks).toString('utf8'), headers: req.headers as Record<string, string> });
      setTimeout(() => res.writeHead(200).end('ok'), 150);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const api = apiClient(stack.app);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chaos-hooks`;
    const endpoint = await api.post<{ id: string; secret: string; createdAt: string }>('/v1/webhook-endpoints', { url, description: 'chaos receiver' });
    const priceId = await createBenchPrice(api);
    const burst = signUpBurst(stack.app, { count: options.count, clients: options.clients, label: `webhooks-${Date.now()}`, priceId });
    await waitUntil(120_000, async () => requests.length >= Math.max(5, options.count / 4), 20);
    options.say(`  ${requests.length} webhooks received; worker killed (SIGKILL)`);
    await stack.killWorker();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await stack.startWorker();
    options.say('  replacement worker polling');
    await burst;

    // What the endpoint must get: every event relayed after it was registered — at least every
    // event written since (a backlog the relay had not reached yet comes too).
    const expected = async () =>
      (
        await stack.app.db.query<{ id: string; aggregate_type: string; aggregate_id: string }>(
          `SELECT e.id, e.aggregate_type, e.aggregate_id FROM outbox_events e
           WHERE e.tenant_id = $1 AND e.type <> 'webhook_endpoint.test'
             AND (e.created_at >= $2 OR e.id IN (SELECT event_id FROM webhook_deliveries WHERE endpoint_id = $3))
           ORDER BY e.seq`,
          [stack.app.tenantId, new Date(endpoint.createdAt), endpoint.id],
        )
      ).rows;
    const undelivered = async () => Number((await stack.app.db.query<{ n: string }>("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND status <> 'succeeded'", [endpoint.id])).rows[0]?.n);
    await waitUntil(300_000, async () => {
      const ids = new Set(requests.map((r) => r.id));
      return (await expected()).every((event) => ids.has(event.id)) && (await undelivered()) === 0;
    }, 250).catch(() => undefined);

    const events = await expected();
    const verifier = new Webhook(endpoint.secret);
    const firstBody = new Map<string, string>();
    const report: WebhookKillReport = { events: events.length, requests: requests.length, received: 0, duplicates: 0, missing: [], badSignatures: [], changedBodies: [], outOfOrder: [], undelivered: await undelivered(), ok: false };
    for (const request of requests) {
      try {
        verifier.verify(request.body, { 'webhook-id': request.id, 'webhook-timestamp': request.headers['webhook-timestamp'] ?? '', 'webhook-signature': request.headers['webhook-signature'] ?? '' });
      } catch {
        report.badSignatures.push(request.id);
      }
      const seen = firstBody.get(request.id);
      if (seen === undefined) firstBody.set(request.id, request.body);
      else {
        report.duplicates += 1;
        if (seen !== request.body) report.changedBodies.push(request.id);
      }
    }
    report.received = firstBody.size;
    report.missing = events.filter((event) => !firstBody.has(event.id)).map((event) => event.id);
    const expectedIds = new Set(events.map((event) => event.id));
    // Nothing but what was owed: every webhook-id is one of the tenant's events.
    const unexpected = [...firstBody.keys()].filter((id) => !expectedIds.has(id));
    report.missing.push(...unexpected.map((id) => `unexpected ${id}`));
    const arrival = new Map([...new Set(requests.map((r) => r.id))].map((id, index) => [id, index]));
    const byObject = new Map<string, string[]>();
    for (const event of events) byObject.set(`${event.aggregate_type}:${event.aggregate_id}`, [...(byObject.get(`${event.aggregate_type}:${event.aggregate_id}`) ?? []), event.id]);
    for (const [object, ids] of byObject) {
      const order = ids.map((id) => arrival.get(id) ?? Number.POSITIVE_INFINITY);
      if (order.some((value, index) => index > 0 && value < order[index - 1]!)) report.outOfOrder.push(object);
    }
    report.ok = report.missing.length === 0 && report.badSignatures.length === 0 && report.changedBodies.length === 0 && report.outOfOrder.length === 0 && report.undelivered === 0;
    return report;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
