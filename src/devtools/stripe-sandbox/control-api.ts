import { Hono } from 'hono';
import { z } from 'zod';
import { faultKindSchema, faultsSchema } from './faults.js';
import { StripeApiError } from './stripe-error.js';
import { encodeError, newRequestId } from './stripe-response.js';
import type { StripeSandbox } from './types.js';
import { webhookConfigSchema } from './webhook-dispatcher.js';

const nextFaultSchema = z
  .object({ kind: faultKindSchema, path: z.string().startsWith('/').optional(), count: z.number().int().min(1).optional() })
  .strict();
const declineChargesSchema = z.object({ declineCode: z.string().min(1), count: z.number().int().min(1).optional() }).strict();
const authenticationSchema = z.object({ outcome: z.enum(['succeed', 'fail']).optional() }).strict();

type ControlMethods = Omit<StripeSandbox, 'app' | 'listen'>;

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
}

/**
 * The sandbox's own API under /_sandbox, for driving it from outside the process (the same
 * operations as the StripeSandbox methods). Deliberately unauthenticated: it is a test tool.
 */
export function controlApi(sandbox: ControlMethods): Hono {
  const control = new Hono();
  control.get('/ledger', (c) => c.json(sandbox.ledger()));
  control.get('/events', (c) => c.json(sandbox.events()));
  control.put('/faults', async (c) => {
    sandbox.setFaults(faultsSchema.parse(await readJson(c.req.raw)));
    return c.json({ ok: true });
  });
  control.post('/faults/next', async (c) => {
    const next = nextFaultSchema.parse(await readJson(c.req.raw));
    sandbox.failNext(next.kind, next.path, next.count);
    return c.json({ ok: true });
  });
  control.put('/webhooks', async (c) => {
    const body = await readJson(c.req.raw);
    sandbox.configureWebhooks(body === null ? null : webhookConfigSchema.parse(body));
    return c.json({ ok: true });
  });
  control.post('/webhooks/flush', async (c) => {
    await sandbox.flushWebhooks();
    return c.json({ ok: true });
  });
  control.post('/payment_intents/:id/authenticate', async (c) => {
    const { outcome } = authenticationSchema.parse(await readJson(c.req.raw));
    await sandbox.authenticatePaymentIntent(c.req.param('id'), outcome);
    return c.json({ ok: true });
  });
  control.post('/setup_intents/:id/authenticate', async (c) => {
    const { outcome } = authenticationSchema.parse(await readJson(c.req.raw));
    await sandbox.authenticateSetupIntent(c.req.param('id'), outcome);
    return c.json({ ok: true });
  });
  control.post('/charges/:id/dispute', async (c) => {
    await sandbox.disputeCharge(c.req.param('id'));
    return c.json({ ok: true });
  });
  control.post('/disputes/:id/close', async (c) => {
    const { outcome } = z.object({ outcome: z.enum(['won', 'lost']) }).parse(await readJson(c.req.raw));
    await sandbox.closeDispute(c.req.param('id'), outcome);
    return c.json({ ok: true });
  });
  control.post('/customers/:id/decline-charges', async (c) => {
    const { declineCode, count } = declineChargesSchema.parse(await readJson(c.req.raw));
    await sandbox.declineNextCharges(c.req.param('id'), declineCode, count);
    return c.json({ ok: true });
  });
  control.delete('/customers/:id/decline-charges', async (c) => {
    await sandbox.clearChargeDeclines(c.req.param('id'));
    return c.json({ ok: true });
  });
  control.post('/reset', (c) => {
    sandbox.reset();
    return c.json({ ok: true });
  });
  control.onError((error, c) => {
    if (error instanceof StripeApiError) {
      const encoded = encodeError(error, newRequestId());
      return c.body(encoded.body, error.status, { 'Content-Type': 'application/json' });
    }
    const message = error instanceof z.ZodError ? z.prettifyError(error) : error.message;
    return c.json({ error: { type: 'invalid_request_error', message } }, 400);
  });
  return control;
}
