import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { toMajorString } from '../../domain/money.js';
import { getHostedInvoice } from '../../billing/invoices/get-hosted-invoice.js';
import type { BillingApiDependencies } from '../dependencies.js';

const money = (amount: number, currency: string) => `${toMajorString({ amount, currency: currency })} ${currency}`;
const day = (iso: string | null) => (iso === null ? '' : new Date(iso).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }));

/**
 * GET /hosted/invoices/{token}: the invoice page customer emails link to — number, dates, lines,
 * totals, what is due and whether it is paid — server-rendered, every value escaped, no API key
 * (the token is the credential), never indexed or cached.
 */
const hostedRoute = createRoute({
  method: 'get',
  path: '/hosted/invoices/{token}',
  tags: ['hosted pages'],
  security: [],
  summary: 'The invoice page customer emails link to (the token is the credential; no API key)',
  request: { params: z.strictObject({ token: z.string().min(1).max(100).openapi({ param: { name: 'token', in: 'path' } }) }) },
  responses: {
    200: { description: 'The invoice as an HTML page', content: { 'text/html': { schema: z.string() } } },
    404: { description: 'No finalized invoice has this token', content: { 'application/json': { schema: z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) }) }) } } },
  },
});

export function hostedInvoiceRoutes(deps: BillingApiDependencies) {
  const app = new OpenAPIHono();
  app.openapi(hostedRoute, async (c) => {
    const { tenantName, customerName, invoice } = await getHostedInvoice(deps.prisma, { token: c.req.valid('param').token });
    c.header('cache-control', 'no-store');
    c.header('x-robots-tag', 'noindex');
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    const m = (amount: number) => money(amount, invoice.currency);
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${invoice.number ?? ''} — ${tenantName}</title>
<style>body{font-family:sans-serif;max-width:720px;margin:2em auto;color:#222}table{width:100%;border-collapse:collapse}td,th{padding:6px;border-bottom:1px solid #ddd;text-align:left}td.n,th.n{text-align:right}.status{font-weight:bold;text-transform:uppercase}</style></head>
<body>
<h1>${tenantName}</h1>
<h2>Invoice ${invoice.number ?? ''}</h2>
<p>Billed to ${customerName ?? ''} · issued ${day(invoice.finalizedAt)} · <span class="status">${invoice.status}</span></p>
<table><thead><tr><th>Description</th><th class="n">Qty</th><th class="n">Amount</th></tr></thead><tbody>
${invoice.lines.map((line) => html`<tr><td>${line.description}</td><td class="n">${line.quantity ?? line.usageQuantity ?? ''}</td><td class="n">${m(line.amount)}</td></tr>`)}
</tbody></table>
<table>
<tr><td>Subtotal</td><td class="n">${m(invoice.subtotal)}</td></tr>
${invoice.discountTotal === 0 ? '' : html`<tr><td>Discount</td><td class="n">−${m(invoice.discountTotal)}</td></tr>`}
${invoice.taxTotal === 0 ? '' : html`<tr><td>Tax</td><td class="n">${m(invoice.taxTotal)}</td></tr>`}
<tr><td>Total</td><td class="n">${m(invoice.total)}</td></tr>
${invoice.creditApplied === 0 ? '' : html`<tr><td>Credit applied</td><td class="n">−${m(invoice.creditApplied)}</td></tr>`}
<tr><td><strong>Amount due</strong></td><td class="n"><strong>${m(invoice.amountDue)}</strong></td></tr>
<tr><td>Paid</td><td class="n">${m(invoice.amountPaid)}</td></tr>
${invoice.amountCredited === 0 ? '' : html`<tr><td>Credited</td><td class="n">${m(invoice.amountCredited)}</td></tr>`}
${invoice.amountRefunded === 0 ? '' : html`<tr><td>Refunded</td><td class="n">${m(invoice.amountRefunded)}</td></tr>`}
</table>
</body></html>`, 200);
  });
  return app;
}
