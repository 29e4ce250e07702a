import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { getMrrAnalytics } from '../../billing/analytics/get-mrr-analytics.js';
import { listAttentionItems } from '../../billing/attention/list-attention-items.js';
import { getCustomer } from '../../billing/customers/get-customer.js';
import { listCustomers } from '../../billing/customers/list-customers.js';
import { getInvoice } from '../../billing/invoices/get-invoice.js';
import { getInvoiceDocument } from '../../billing/invoices/get-invoice-document.js';
import { listInvoices, type ListInvoicesInput } from '../../billing/invoices/list-invoices.js';
import { renderInvoicePdf } from '../../billing/invoices/render-invoice-pdf.js';
import { listInvoicePayments } from '../../billing/payments/list-payments.js';
import { getSubscriptionTimeline } from '../../billing/subscriptions/get-subscription-timeline.js';
import { listSubscriptions, type ListSubscriptionsInput } from '../../billing/subscriptions/list-subscriptions.js';
import { billingNow, type BillingApiDependencies } from '../dependencies.js';
import { toErrorResponse } from '../errors.js';
import { log } from '../../observability/logger.js';
import { attentionBody } from './attention-page.js';
import { customerBody, customersBody, subscriptionRows, pager, withQuery } from './customer-pages.js';
import { consolePage, type NavKey } from './console-layout.js';
import { apiKeyLookup } from '../auth/authenticate.js';
import { requireConsoleKey, showLogin, signIn, signOut, type ConsoleEnv } from './console-session.js';
import { invoiceBody, invoicesBody } from './invoice-pages.js';
import { overviewBody } from './overview-page.js';
import { subscriptionBody } from './subscription-page.js';

export interface ConsoleOptions {
  /** The subscription's workflow in the Temporal UI; absent when no UI is known (the page says so). */
  workflowUrl?: (subscriptionId: string) => string;
}

/** A query parameter as given, an empty one (a form's "any") as absent. */
function param(c: Context, name: string): string | undefined {
  const value = c.req.query(name);
  return value === undefined || value === '' ? undefined : value;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  // Server-rendered pages with inline styles and SVG: no script runs, nothing loads from elsewhere.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
};

/**
 * /console: the operator console, server-rendered HTML over the billing operations the API uses
 * (the same tenant scoping, the same figures). Any API key of the tenant signs in — the console
 * only reads; changes go through the API.
 */
export function consoleRoutes(deps: BillingApiDependencies, options: ConsoleOptions = {}): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  // The API's own lookup: revoking or rotating a key signs its console sessions out at the next page.
  const lookUp = apiKeyLookup(deps.prisma, deps.apiKeys);
  const now = billingNow(deps);
  // `/console/*` matches `/console` itself too.
  app.use('/console/*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  });
  app.get('/console/login', (c) => showLogin(c));
  app.post('/console/login', (c) => signIn(c, lookUp));
  app.post('/console/logout', (c) => signOut(c));
  // Registered after the sign-in routes, which answer without it.
  app.use('/console/*', requireConsoleKey(lookUp));

  const who = (c: Context<ConsoleEnv>) => {
    const principal = c.get('principal');
    return `${principal.tenantId} · ${principal.apiKeyName} (${principal.role.replace('_', '-')})`;
  };
  const page = (c: Context<ConsoleEnv>, title: string, active: NavKey | null, body: Parameters<typeof consolePage>[0]['body']) => c.html(consolePage({ title, active, who: who(c), body }), 200);

  app.get('/console', async (c) => {
    const tenantId = c.get('principal').tenantId;
    const filters = {
      currency: param(c, 'currency')?.toUpperCase(),
      interval: param(c, 'interval') === 'day' ? ('day' as const) : ('month' as const),
      usage: param(c, 'usage') === 'include' ? ('include' as const) : ('exclude' as const),
      from: param(c, 'from'),
      to: param(c, 'to'),
    };
    const today = new Date(await now()).toISOString().slice(0, 10);
    // Every currency's series (the page picks one), so the selector lists them all.
    const report = await getMrrAnalytics(deps.prisma, { tenantId, today, interval: param(c, 'interval'), usage: param(c, 'usage'), from: filters.from, to: filters.to });
    return page(c, 'Overview', 'overview', overviewBody(report, filters));
  });

  app.get('/console/attention', async (c) => {
    const queue = await listAttentionItems({ prisma: deps.prisma, workflows: deps.workflows }, { tenantId: c.get('principal').tenantId, now: await now() });
    return page(c, 'Needs attention', 'attention', attentionBody(queue));
  });

  app.get('/console/customers', async (c) => {
    const customers = await listCustomers(deps.prisma, { tenantId: c.get('principal').tenantId, cursor: param(c, 'cursor'), limit: 50 });
    return page(c, 'Customers', 'customers', customersBody(customers));
  });

  app.get('/console/customers/:customerId', async (c) => {
    const tenantId = c.get('principal').tenantId;
    const customerId = c.req.param('customerId');
    const customer = await getCustomer(deps.prisma, { tenantId, customerId });
    const [subscriptions, invoices] = await Promise.all([listSubscriptions(deps.prisma, { tenantId, customerId, limit: 50 }), listInvoices(deps.prisma, { tenantId, customerId, limit: 50 })]);
    return page(c, customer.name ?? customer.id, 'customers', customerBody(customer, subscriptions, invoices));
  });

  app.get('/console/subscriptions', async (c) => {
    // As typed in the address bar: the operation's own check refuses an unknown status, listing it.
    const status = param(c, 'status') as ListSubscriptionsInput['status'];
    const customerId = param(c, 'customerId');
    const subscriptions = await listSubscriptions(deps.prisma, { tenantId: c.get('principal').tenantId, status, customerId, cursor: param(c, 'cursor'), limit: 50 });
    return page(c, 'Subscriptions', 'customers', html`<h1>Subscriptions</h1>${subscriptionRows(subscriptions.data)}${pager(withQuery('/console/subscriptions', { status, customerId }), subscriptions)}`);
  });

  app.get('/console/subscriptions/:subscriptionId', async (c) => {
    const subscriptionId = c.req.param('subscriptionId');
    const timeline = await getSubscriptionTimeline({ prisma: deps.prisma, workflows: deps.workflows }, { tenantId: c.get('principal').tenantId, subscriptionId });
    return page(c, `Subscription ${subscriptionId}`, 'customers', subscriptionBody(timeline, options.workflowUrl?.(subscriptionId) ?? null));
  });

  app.get('/console/invoices', async (c) => {
    const filters = { status: param(c, 'status') as ListInvoicesInput['status'], customerId: param(c, 'customerId'), subscriptionId: param(c, 'subscriptionId') };
    const invoices = await listInvoices(deps.prisma, { tenantId: c.get('principal').tenantId, ...filters, cursor: param(c, 'cursor'), limit: 50 });
    return page(c, 'Invoices', 'invoices', invoicesBody(invoices, filters));
  });

  app.get('/console/invoices/:invoiceId', async (c) => {
    const tenantId = c.get('principal').tenantId;
    const invoiceId = c.req.param('invoiceId');
    const [invoice, payments] = await Promise.all([getInvoice(deps.prisma, { tenantId, invoiceId }), listInvoicePayments(deps.prisma, { tenantId, invoiceId })]);
    return page(c, `Invoice ${invoice.number ?? invoice.id}`, 'invoices', invoiceBody(invoice, payments));
  });

  // The PDF here too: a link in a page cannot send the API's Authorization header, the cookie goes with it.
  app.get('/console/invoices/:invoiceId/pdf', async (c) => {
    const document = await getInvoiceDocument(deps.prisma, { tenantId: c.get('principal').tenantId, invoiceId: c.req.param('invoiceId') });
    const pdf = await renderInvoicePdf(document);
    return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${document.invoice.number ?? document.invoice.id}.pdf"` });
  });

  // Last: any other console address (the app's own not-found answers JSON, for the API).
  app.get('/console/*', (c) => c.html(consolePage({ title: 'Not found', active: null, who: who(c), body: html`<h1>Not found</h1><p>No console page at ${c.req.path}.</p><p><a href="/console">Back to the overview</a></p>` }), 404));
  app.onError((error, c) => {
    const response = toErrorResponse(error);
    if (response === undefined) log().error({ err: error, path: c.req.path }, 'console page failed');
    const status = response?.status ?? 500;
    const details = (response?.details ?? []) as Array<{ field?: string; message?: string }>;
    const body = html`<h1>${status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'That request cannot be shown'}</h1>
<p class="error" data-code="${response?.code ?? 'internal_error'}">${response?.message ?? 'An unexpected error occurred'}</p>
${details.length === 0 ? '' : html`<ul>${details.map((detail) => html`<li><code>${detail.field ?? ''}</code> ${detail.message ?? ''}</li>`)}</ul>`}
<p><a href="/console">Back to the overview</a></p>`;
    return c.html(consolePage({ title: 'Error', active: null, who: null, body }), status);
  });
  return app;
}
