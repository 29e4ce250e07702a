import { createRoute } from '@hono/zod-openapi';
import { listAttentionItems } from '../../billing/attention/list-attention-items.js';
import { attentionQueueViewSchema } from '../../billing/attention/views.js';
import { billingNow, type BillingApiDependencies } from '../dependencies.js';
import { billingRouter, commonErrors, ok } from './router.js';

const routes = {
  list: createRoute({
    method: 'get',
    path: '/v1/attention',
    tags: ['operations'],
    summary: 'What needs an operator: past-due subscriptions, failing payments and stuck billing, each with its reason and next retry (the console’s Needs attention page)',
    responses: { 200: ok(attentionQueueViewSchema, 'The work queue, as of now'), ...commonErrors },
  }),
};

export function attentionRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const now = billingNow(deps);
  app.openapi(routes.list, async (c) => c.json(await listAttentionItems({ prisma: deps.prisma, workflows: deps.workflows }, { tenantId: c.get('principal').tenantId, now: await now() }), 200));
  return app;
}
