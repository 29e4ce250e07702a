import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { errorBody } from '../errors.js';
import { WebhookSignatureError, type StripeWebhookProcessor } from '../../payments/webhooks/stripe-webhook-processor.js';

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) }) });

const route = createRoute({
  method: 'post',
  path: '/v1/webhooks/stripe',
  tags: ['webhooks'],
  security: [],
  summary: 'Stripe webhook endpoint (signature-verified; each event id processed once)',
  request: {
    headers: z.object({ 'stripe-signature': z.string().optional() }),
  },
  responses: {
    200: {
      description: 'Accepted (processed now, or a duplicate of an event already processed)',
      content: { 'application/json': { schema: z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string().optional() }) } },
    },
    400: { description: 'Missing, forged or stale signature; nothing was changed', content: { 'application/json': { schema: errorSchema } } },
  },
});

/**
 * The raw body is read as text before any parsing: the signature covers the exact bytes Stripe
 * sent. Any failure other than a bad signature answers 500 so Stripe delivers the event again.
 */
export function stripeWebhookRoutes(processor: StripeWebhookProcessor): OpenAPIHono {
  const app = new OpenAPIHono();
  app.openapi(route, async (c) => {
    const rawBody = await c.req.text();
    try {
      const result = await processor.handle(rawBody, c.req.header('stripe-signature'));
      return c.json(
        result.status === 'duplicate'
          ? { received: true as const, duplicate: true }
          : { received: true as const, duplicate: false, outcome: result.outcome },
        200,
      );
    } catch (error) {
      if (error instanceof WebhookSignatureError) return c.json(errorBody('invalid_signature', error.message), 400);
      throw error;
    }
  });
  return app;
}
