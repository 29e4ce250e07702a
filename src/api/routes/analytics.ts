import { createRoute, z } from '@hono/zod-openapi';
import { getMrrAnalytics } from '../../billing/analytics/get-mrr-analytics.js';
import { getRevenueAnalytics, getRevenueWaterfallCsv } from '../../billing/analytics/get-revenue-analytics.js';
import { mrrAnalyticsViewSchema, revenueAnalyticsViewSchema } from '../../billing/analytics/views.js';
import { billingNow, type BillingApiDependencies } from '../dependencies.js';
import { withBodyFieldNames } from '../errors.js';
import { billingRouter, commonErrors, ok } from './router.js';

const tags = ['analytics'];

// Every parameter is checked by the billing operation, so one answer lists every bad field.
const rangeQuery = {
  from: z.string().optional().openapi({ description: 'First UTC day, inclusive (YYYY-MM-DD); default: the first of the month eleven months before `to` (29 days before for daily buckets)', example: '2030-06-01' }),
  to: z.string().optional().openapi({ description: 'Last UTC day, inclusive (YYYY-MM-DD); default today', example: '2030-06-30' }),
  interval: z.string().optional().openapi({ enum: ['day', 'month'], description: 'Bucket size (default month; at most 366 days or 120 months)' }),
  currency: z.string().optional().openapi({ description: 'One currency; every currency with data when left out, each its own series', example: 'USD' }),
};
const mrrQuery = z.strictObject({
  ...rangeQuery,
  usage: z.string().optional().openapi({ enum: ['exclude', 'include'], description: 'include: add invoiced usage, each billing period’s normalised to a month, over that period (default exclude)' }),
});
const revenueQuery = z.strictObject(rangeQuery);

const routes = {
  mrr: createRoute({
    method: 'get',
    path: '/v1/analytics/mrr',
    tags,
    summary: 'MRR and ARR, their movements, churn, ARPU, LTV, net revenue retention and receivables, per bucket and currency',
    request: { query: mrrQuery },
    responses: { 200: ok(mrrAnalyticsViewSchema, 'One series per currency'), ...commonErrors },
  }),
  revenue: createRoute({
    method: 'get',
    path: '/v1/analytics/revenue',
    tags,
    summary: 'Revenue recognised and deferred per bucket and currency',
    request: { query: revenueQuery },
    responses: { 200: ok(revenueAnalyticsViewSchema, 'One series per currency'), ...commonErrors },
  }),
  revenueCsv: createRoute({
    method: 'get',
    path: '/v1/analytics/revenue.csv',
    tags,
    summary: 'The revenue waterfall as CSV: a row per month issued, a column per month recognised',
    request: { query: revenueQuery },
    responses: { 200: { description: 'The waterfall, amounts in major units', content: { 'text/csv': { schema: z.string() } } }, ...commonErrors },
  }),
};

/** The operation's refusals name the query parameters the client sent. */
const QUERY_FIELDS = Object.fromEntries(['from', 'to', 'interval', 'currency', 'usage'].map((name) => [name, `query.${name}`]));
const inQuery = <T>(work: () => Promise<T>) => withBodyFieldNames(QUERY_FIELDS, work);

export function analyticsRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const now = billingNow(deps);
  const today = async () => new Date(await now()).toISOString().slice(0, 10);
  app.openapi(routes.mrr, async (c) => c.json(await inQuery(async () => getMrrAnalytics(deps.prisma, { tenantId: c.get('principal').tenantId, today: await today(), ...c.req.valid('query') })), 200));
  app.openapi(routes.revenue, async (c) => c.json(await inQuery(async () => getRevenueAnalytics(deps.prisma, { tenantId: c.get('principal').tenantId, today: await today(), ...c.req.valid('query') })), 200));
  app.openapi(routes.revenueCsv, async (c) => {
    const day = await today();
    const { csv, from, to } = await inQuery(() => getRevenueWaterfallCsv(deps.prisma, { tenantId: c.get('principal').tenantId, today: day, ...c.req.valid('query') }));
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="revenue-${from}-${to}.csv"` });
  });
  return app;
}
