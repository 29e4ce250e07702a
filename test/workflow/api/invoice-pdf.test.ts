import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolvePoppler, type Poppler } from '../../../src/devtools/pdf/poppler.js';
import { projectRoot } from '../../../src/project-root.js';
import { ok } from '../../support/api-expect.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * GET /v1/invoices/{id}/pdf over the real app (Postgres, the time-skipping server, the worker and
 * the Stripe sandbox), read back with poppler's pdftotext and pdfinfo. The PDFs are kept in
 * test-artifacts/pdf/. Amounts worked out in the comments.
 */
let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

const artifacts = join(projectRoot, 'test-artifacts', 'pdf');
let poppler: Poppler;

beforeAll(() => {
  poppler = resolvePoppler();
  mkdirSync(artifacts, { recursive: true });
});


/** The raw response: the harness's `request` reads bodies as text, which would mangle a PDF's bytes. */
async function fetchPdf(key: string, invoiceId: string): Promise<Response> {
  return api.app.request(`/v1/invoices/${invoiceId}/pdf`, { headers: { authorization: `Bearer ${key}` } });
}

async function read(response: Response, name: string): Promise<{ text: string; info: string }> {
  const path = join(artifacts, `${name}.pdf`);
  writeFileSync(path, Buffer.from(await response.arrayBuffer()));
  return {
    text: execFileSync(poppler.pdftotext, ['-layout', path, '-'], { encoding: 'utf8' }),
    info: execFileSync(poppler.pdfinfo, [path], { encoding: 'utf8' }),
  };
}

async function paidOneOffInvoice(t: ApiTenant) {
  const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', name: 'Ada Buyer', email: 'ada@example.com', externalId: 'erp-7' } }), 201);
  await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
  const body = { customerId: buyer.id, items: [{ description: 'Consulting day', unitAmount: 60_000, quantity: 2 }, { description: 'Travel', unitAmount: 8_000 }] };
  const issued = await ok(api.request('POST', '/v1/invoices', { key: t.key, body }), 201);
  const paid = await eventually(() => ok(api.request('GET', `/v1/invoices/${issued.id}`, { key: t.key })), (invoice: any) => invoice.status === 'paid');
  return { buyer, invoice: paid };
}

describe('the invoice PDF over HTTP', () => {
  it("saves the issuer in the billing settings, validated and trimmed; null clears it back to the tenant's name", async () => {
    const t = await api.tenant();
    const saved = await ok(
      api.request('PUT', '/v1/billing-settings', {
        key: t.key,
        body: { usageGracePeriodHours: 1, invoiceIssuerName: '  Acme Ltd  ', invoiceIssuerAddress: ' 1 Main Street \r\n\r\n Springfield  \nUSA', invoiceIssuerEmail: 'billing@acme.example', invoiceIssuerTaxId: 'US-12-3456789', invoiceFooter: 'Net 14.' },
      }),
    );
    expect(saved).toMatchObject({ invoiceIssuerName: 'Acme Ltd', invoiceIssuerAddress: '1 Main Street\nSpringfield\nUSA', invoiceIssuerEmail: 'billing@acme.example', invoiceIssuerTaxId: 'US-12-3456789', invoiceFooter: 'Net 14.' });
    const bad = await api.request('PUT', '/v1/billing-settings', {
      key: t.key,
      body: { usageGracePeriodHours: 1, invoiceIssuerName: '   ', invoiceIssuerAddress: Array.from({ length: 11 }, (_, i) => `line ${i}`).join('\n'), invoiceIssuerEmail: 'not an email', invoiceIssuerTaxId: 'x'.repeat(101), invoiceFooter: 'y'.repeat(501) },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.invoiceFooter', 'body.invoiceIssuerAddress', 'body.invoiceIssuerEmail', 'body.invoiceIssuerName', 'body.invoiceIssuerTaxId']);
    // Left out keeps, null clears.
    const cleared = await ok(api.request('PUT', '/v1/billing-settings', { key: t.key, body: { usageGracePeriodHours: 2, invoiceIssuerName: null } }));
    expect(cleared).toMatchObject({ usageGracePeriodHours: 2, invoiceIssuerName: null, invoiceIssuerAddress: '1 Main Street\nSpringfield\nUSA', invoiceFooter: 'Net 14.' });
    expect(await ok(api.request('GET', '/v1/billing-settings', { key: t.readOnlyKey }))).toEqual(cleared);
  });

  it('is a PDF a read-only key may fetch: number, amount due, issuer and customer; a credit note once issued; 404 for another tenant', async () => {
    const t = await api.tenant();
    await ok(
      api.request('PUT', '/v1/billing-settings', {
        key: t.key,
        body: { usageGracePeriodHours: 1, invoiceIssuerName: 'Acme Ltd', invoiceIssuerAddress: '1 Main Street\nSpringfield', invoiceIssuerTaxId: 'US-12-3456789', invoiceFooter: 'Thank you for your business.' },
      }),
    );
    const { buyer, invoice } = await paidOneOffInvoice(t);
    // 2 × $600.00 + $80.00 = $1,280.00, due and paid.
    expect([invoice.number, invoice.total, invoice.amountDue, invoice.amountPaid]).toEqual(['INV-000001', 128_000, 128_000, 128_000]);

    const response = await fetchPdf(t.readOnlyKey, invoice.id);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="INV-000001.pdf"');
    const first = await read(response, 'api-invoice');
    for (const expected of ['Acme Ltd', '1 Main Street', 'Springfield', 'Tax ID: US-12-3456789', 'Ada Buyer', 'ada@example.com', `Customer ID: ${buyer.id}`, 'External ID: erp-7', 'Thank you for your business.', 'Page 1 of 1']) {
      expect(first.text).toContain(expected);
    }
    expect(first.text).toMatch(/Invoice number\s+INV-000001/);
    expect(first.text).toMatch(/Consulting day\s+2\s+600\.00 USD\s+1200\.00 USD/);
    expect(first.text).toMatch(/Travel\s+1\s+80\.00 USD\s+80\.00 USD/);
    expect(first.text).toMatch(/Amount due\s+1280\.00 USD/);
    expect(first.text).toMatch(/Paid on \d+ \w+ \d{4}: 1280\.00 USD received\./);
    expect(first.text).not.toContain('CREDIT NOTES');
    expect(first.info).toMatch(/^Title:\s+INV-000001$/m);
    expect(first.info).toMatch(/^Author:\s+Acme Ltd$/m);

    // $100.00 credited to the customer's balance.
    const note = await ok(api.request('POST', `/v1/invoices/${invoice.id}/credit-notes`, { key: t.key, body: { amount: 10_000, reason: 'order_change', outcome: 'credit_balance' } }), 201);
    expect(note.number).toBe('CN-000001');
    const second = await read(await fetchPdf(t.readOnlyKey, invoice.id), 'api-invoice-credited');
    expect(second.text).toMatch(/CN-000001\s+\d+ \w+ \d{4}\s+Order change\s+Credited to balance\s+100\.00 USD/);
    expect(second.text).toMatch(/Credited by credit notes\s+100\.00 USD/);

    // Another tenant's key: the same 404 as an invoice that does not exist.
    const other = await api.tenant();
    const foreign = await fetchPdf(other.key, invoice.id);
    const missing = await fetchPdf(other.key, 'inv_doesnotexist000000000');
    expect([foreign.status, missing.status]).toEqual([404, 404]);
    const foreignBody = (await foreign.json()) as { error: { code: string; message: string } };
    expect(foreignBody.error.code).toBe('invoice_not_found');
    expect(JSON.stringify(foreignBody).replaceAll(invoice.id, '<id>')).toBe(JSON.stringify(await missing.json()).replaceAll('inv_doesnotexist000000000', '<id>'));
    expect((await api.app.request(`/v1/invoices/${invoice.id}/pdf`)).status).toBe(401);
  });

  it("names the tenant as issuer until its settings name one", async () => {
    const t = await api.tenant();
    const { invoice } = await paidOneOffInvoice(t);
    const tenant = await api.h.db.prisma.tenant.findUniqueOrThrow({ where: { id: t.tenantId } });
    const pdf = await read(await fetchPdf(t.key, invoice.id), 'api-invoice-default-issuer');
    expect(pdf.text).toContain(tenant.name);
    expect(pdf.info).toMatch(new RegExp(`^Author:\\s+${tenant.name}$`, 'm'));
    expect(pdf.text).not.toContain('Tax ID');
  });
});
