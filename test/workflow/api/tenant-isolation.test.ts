import { beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../../src/ids.js';
import { issueApiKey } from '../../../src/tenancy/api-keys.js';
import { useApiHarness, type ApiHarness, type ApiResponse, type ApiTenant } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * Tenant isolation, driven by the OpenAPI document: every documented route is called with
 * another tenant's ids, with a read-only key, without a key and with forged keys. The table of
 * valid bodies must name every documented route, so a new route cannot escape these checks.
 */

let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

// ---------------------------------------------------------------------------------------------
// The document's routes

interface Operation {
  /** `METHOD /path/{param}` as in the document. */
  id: string;
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
}

interface DocParameter {
  name: string;
  in: string;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

// The hosted invoice page takes no API key: its unguessable token is the credential (webhooks.test.ts).
function excluded(path: string): boolean {
  return path.startsWith('/hosted/') || path === '/health' || path.startsWith('/health/') || path === '/openapi.json' || path === '/docs' || path === '/v1/webhooks/stripe';
}

function operationsOf(doc: { paths: Record<string, Record<string, { parameters?: DocParameter[] }>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (excluded(path)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
      const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      operations.push({ id: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, pathParams, queryParams });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Seeded tenants

const ID_PARAMS = ['customerId', 'productId', 'priceId', 'subscriptionId', 'invoiceId', 'couponId', 'meterId', 'creditNoteId', 'apiKeyId', 'auditEventId', 'invoiceItemId', 'feature', 'featureKey', 'usageAlertId', 'eventId', 'webhookEndpointId', 'webhookDeliveryId'] as const;
type IdParam = (typeof ID_PARAMS)[number];

function isIdParam(name: string): name is IdParam {
  return (ID_PARAMS as readonly string[]).includes(name);
}

const NOT_FOUND_CODE: Record<IdParam, string> = {
  customerId: 'customer_not_found',
  productId: 'product_not_found',
  priceId: 'price_not_found',
  subscriptionId: 'subscription_not_found',
  invoiceId: 'invoice_not_found',
  couponId: 'coupon_not_found',
  meterId: 'meter_not_found',
  creditNoteId: 'credit_note_not_found',
  apiKeyId: 'api_key_not_found',
  auditEventId: 'audit_event_not_found',
  invoiceItemId: 'invoice_item_not_found',
  feature: 'feature_not_found',
  featureKey: 'feature_not_found',
  usageAlertId: 'usage_alert_not_found',
  eventId: 'event_not_found',
  webhookEndpointId: 'webhook_endpoint_not_found',
  webhookDeliveryId: 'webhook_delivery_not_found',
};

/** Path parameters that name no tenant's row (an email kind is the same word in every tenant): substituted, never "foreign". */
const SHARED_PARAMS: Record<string, string> = { kind: 'invoice_finalized' };

interface Seeded {
  label: string;
  tenant: ApiTenant;
  ids: Record<IdParam, string>;
  paymentId: string;
  /** The newest event, the endpoint's test event: the first on the event log's first page. */
  testEventId: string;
  notificationId: string;
  gatewayCustomerId: string;
  gatewayPaymentMethodId: string;
  /** Values only this tenant has (names, emails): none may appear in another tenant's responses. */
  ownStrings: string[];
}

/** Both tenants redeem the same code: codes are unique per tenant, not globally. */
const SHARED_COUPON_CODE = 'WELCOME10';

let unique = 0;
function nextName(prefix: string): string {
  unique += 1;
  return `${prefix}-${unique}-${randomBase62(6)}`;
}

function expectStatus(response: ApiResponse, status: number, what: string): void {
  expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBe(status);
}

async function waitForFirstPaidInvoice(tenant: ApiTenant, subscriptionId: string): Promise<{ invoiceId: string }> {
  const invoices = await eventually(
    () => api.request('GET', `/v1/invoices?subscriptionId=${subscriptionId}`, { key: tenant.key }),
    (r) => r.status === 200 && (r.body.data as Array<{ status: string }>).some((invoice) => invoice.status === 'paid'),
    30_000,
  );
  const paid = (invoices.body.data as Array<{ id: string; status: string }>).find((invoice) => invoice.status === 'paid');
  if (paid === undefined) throw new Error(`subscription ${subscriptionId} has no paid invoice: ${JSON.stringify(invoices.body)}`);
  // Settled: the workflow has recorded the payment and has nothing to collect until renewal.
  const settled = await eventually(
    () => api.request('GET', `/v1/subscriptions/${subscriptionId}?live=true`, { key: tenant.key }),
    (r) => r.status === 200 && r.body.status === 'active' && r.body.live !== null && r.body.live.collections.length === 0,
    30_000,
  );
  expect(settled.body.status, JSON.stringify(settled.body)).toBe('active');
  return { invoiceId: paid.id };
}

async function seedTenant(label: string): Promise<Seeded> {
  const tenant = await api.tenant();
  const key = tenant.key;
  const email = `owner-${label.toLowerCase()}-${randomBase62(6).toLowerCase()}@${label.toLowerCase()}.example.com`;
  const name = `Customer of tenant ${label} ${randomBase62(6)}`;
  const externalId = `ext-${label}-${randomBase62(8)}`;
  const productName = `Product only ${label} sells ${randomBase62(6)}`;

  const customer = await api.request('POST', '/v1/customers', {
    key,
    body: { currency: 'USD', email, name, externalId, metadata: { owner: `tenant ${label}` } },
  });
  expectStatus(customer, 201, `${label} customer`);
  const customerId = customer.body.id as string;
  const withCard = await api.request('POST', `/v1/customers/${customerId}/default-payment-method`, { key, body: { paymentMethodId: 'pm_card_visa' } });
  expectStatus(withCard, 200, `${label} default payment method`);

  const product = await api.request('POST', '/v1/products', { key, body: { name: productName, description: `Sold by ${label}` } });
  expectStatus(product, 201, `${label} product`);
  // A second product (never priced), so product lists have a second page to page through.
  const spareName = `Spare product of ${label} ${randomBase62(6)}`;
  expectStatus(await api.request('POST', '/v1/products', { key, body: { name: spareName } }), 201, `${label} spare product`);
  const price = await api.request('POST', '/v1/prices', {
    key,
    body: { productId: product.body.id, currency: 'USD', pricing: { model: 'flat', amount: 2000 }, interval: { unit: 'month' }, nickname: `${label} monthly` },
  });
  expectStatus(price, 201, `${label} price`);

  const subscription = await api.request('POST', '/v1/subscriptions', {
    key,
    idempotencyKey: `seed-${label}`,
    body: { customerId, items: [{ priceId: price.body.id }] },
  });
  expectStatus(subscription, 201, `${label} subscription`);
  const subscriptionId = subscription.body.id as string;
  const { invoiceId } = await waitForFirstPaidInvoice(tenant, subscriptionId);

  const payments = await api.request('GET', `/v1/invoices/${invoiceId}/payments`, { key });
  expectStatus(payments, 200, `${label} payments`);
  const paymentId = (payments.body.data as Array<{ id: string }>)[0]?.id;
  if (paymentId === undefined) throw new Error(`${label}'s paid invoice has no payment`);

  const coupon = await api.request('POST', '/v1/coupons', { key, body: { code: SHARED_COUPON_CODE, name: `${label} welcome`, percentOff: '10', duration: 'forever' } });
  expectStatus(coupon, 201, `${label} coupon`);
  const couponId = coupon.body.id as string;
  const customerDiscount = await api.request('POST', `/v1/customers/${customerId}/discounts`, { key, body: { couponId } });
  expectStatus(customerDiscount, 201, `${label} customer discount`);
  const subscriptionDiscount = await api.request('POST', `/v1/subscriptions/${subscriptionId}/discounts`, { key, body: { couponId } });
  expectStatus(subscriptionDiscount, 201, `${label} subscription discount`);
  const credit = await api.request('POST', `/v1/customers/${customerId}/credit-balance/adjustments`, {
    key,
    body: { amount: 500, currency: 'USD', reason: `goodwill from ${label}` },
  });
  expectStatus(credit, 201, `${label} credit adjustment`);

  const meter = await api.request('POST', '/v1/meters', { key, body: { key: 'api_calls', displayName: `${label} API calls`, aggregation: 'count' } });
  expectStatus(meter, 201, `${label} meter`);
  const usage = await api.request('POST', '/v1/usage-events', { key, body: { transactionId: `seed-${label}`, eventName: 'api_calls', customerId } });
  expectStatus(usage, 202, `${label} usage event`);

  // A feature key of this tenant's own: keys are names, unique per tenant, so B's key never names A's feature.
  const featureKey = `calls_${label}_${randomBase62(6)}`;
  const feature = await api.request('POST', '/v1/features', { key, body: { key: featureKey, name: `${label} API quota`, type: 'metered', meterId: meter.body.id } });
  expectStatus(feature, 201, `${label} feature`);
  const featureId = feature.body.id as string;
  expectStatus(await api.request('POST', `/v1/products/${product.body.id as string}/entitlements`, { key, body: { feature: featureId, limit: 1000 } }), 200, `${label} product entitlement`);
  expectStatus(await api.request('POST', `/v1/prices/${price.body.id as string}/entitlements`, { key, body: { feature: featureId, limit: 2000 } }), 200, `${label} price entitlement`);
  expectStatus(await api.request('POST', `/v1/subscriptions/${subscriptionId}/entitlement-overrides`, { key, body: { feature: featureId, limit: 3000 } }), 200, `${label} override`);
  expectStatus(await api.request('POST', `/v1/subscriptions/${subscriptionId}/entitlement-grants`, { key, body: { feature: featureId, quantity: 10 } }), 201, `${label} grant`);
  const alert = await api.request('POST', `/v1/subscriptions/${subscriptionId}/usage-alerts`, { key, body: { meterId: meter.body.id, name: `${label} usage alert`, thresholds: [{ quantity: 1_000_000 }] } });
  expectStatus(alert, 201, `${label} usage alert`);
  expectStatus(await api.request('PUT', `/v1/subscriptions/${subscriptionId}/spend-threshold`, { key, body: { amount: 50_000 } }), 200, `${label} spend threshold`);

  const creditNote = await api.request('POST', `/v1/invoices/${invoiceId}/credit-notes`, { key, body: { amount: 100, reason: 'other', memo: `${label} goodwill note`, outcome: 'credit_balance' } });
  expectStatus(creditNote, 201, `${label} credit note`);
  const invoiceItem = await api.request('POST', `/v1/customers/${customerId}/invoice-items`, { key, body: { description: `${label} workshop`, unitAmount: 1500 } });
  expectStatus(invoiceItem, 201, `${label} invoice item`);
  // A key of its own for the key routes to act on (never the one the test calls with).
  const spareKey = await api.request('POST', '/v1/api-keys', { key, body: { name: `${label} spare key`, role: 'read_only' } });
  expectStatus(spareKey, 201, `${label} spare key`);
  const audit = await api.request('GET', `/v1/audit-events?objectId=${creditNote.body.id as string}`, { key });
  expectStatus(audit, 200, `${label} audit events`);
  const auditEventId = (audit.body.data as Array<{ id: string }>)[0]?.id;
  if (auditEventId === undefined) throw new Error(`${label}'s credit note has no audit event`);

  // A webhook endpoint that wants nothing fanned out (its log holds only its test delivery, which
  // fails: this machine reaches no public address), and the tenant's events relayed to emails.
  const endpoint = await api.request('POST', '/v1/webhook-endpoints', { key, body: { url: `https://93.184.215.14/hooks/${label}`, description: `${label} ERP endpoint`, eventTypes: ['reconciliation.discrepancy'] } });
  expectStatus(endpoint, 201, `${label} webhook endpoint`);
  const tested = await api.request('POST', `/v1/webhook-endpoints/${endpoint.body.id as string}/test`, { key });
  expectStatus(tested, 200, `${label} webhook test`);
  await api.h.relay();
  const notifications = await eventually(
    () => api.request('GET', `/v1/email-notifications?customerId=${customerId}&limit=100`, { key }),
    (r) => r.status === 200 && (r.body.data as Array<{ status: string }>).length > 0 && (r.body.data as Array<{ status: string }>).every((n) => n.status !== 'pending'),
    30_000,
  );
  const emailed = (notifications.body.data as Array<{ id: string; eventId: string }>)[0]!;

  const methods = await api.request('GET', `/v1/customers/${customerId}/payment-methods`, { key });
  const gatewayPaymentMethodId = (methods.body.data as Array<{ gatewayPaymentMethodId: string }>)[0]?.gatewayPaymentMethodId;
  if (gatewayPaymentMethodId === undefined) throw new Error(`${label}'s customer has no payment method`);
  const afterAll = await api.request('GET', `/v1/customers/${customerId}`, { key });
  const gatewayCustomerId = afterAll.body.gatewayCustomerId as string;

  return {
    label,
    tenant,
    ids: { customerId, productId: product.body.id, priceId: price.body.id, subscriptionId, invoiceId, couponId, meterId: meter.body.id, creditNoteId: creditNote.body.id, apiKeyId: spareKey.body.id, auditEventId, invoiceItemId: invoiceItem.body.id, feature: featureId, featureKey, usageAlertId: alert.body.id, eventId: emailed.eventId, webhookEndpointId: endpoint.body.id, webhookDeliveryId: tested.body.id },
    paymentId,
    testEventId: tested.body.eventId,
    notificationId: emailed.id,
    gatewayCustomerId,
    gatewayPaymentMethodId,
    ownStrings: [tenant.tenantId, email, name, externalId, productName, spareName, `Sold by ${label}`, `${label} monthly`, `goodwill from ${label}`, `${label} welcome`, `${label} API calls`, `${label} goodwill note`, `${label} spare key`, `${label} workshop`, `${label} API quota`, featureKey, `${label} usage alert`, `${label} ERP endpoint`, `https://93.184.215.14/hooks/${label}`],
  };
}

// ---------------------------------------------------------------------------------------------
// Valid bodies, keyed by the document's "METHOD path". `own` is the tenant whose ids a body names.

type BodyFor = (own: Seeded) => unknown;
const NO_BODY: BodyFor = () => undefined;
const EMPTY: BodyFor = () => ({});

const VALID_BODIES: Record<string, BodyFor> = {
  'POST /v1/customers': () => ({ currency: 'USD', email: `${nextName('new').toLowerCase()}@example.com`, name: 'A new customer' }),
  'GET /v1/customers': NO_BODY,
  'GET /v1/customers/{customerId}': NO_BODY,
  'POST /v1/customers/{customerId}': () => ({ name: 'Renamed by someone', email: 'renamed@example.com', metadata: { touched: true } }),
  'POST /v1/customers/{customerId}/payment-method-setups': EMPTY,
  'GET /v1/customers/{customerId}/payment-methods': NO_BODY,
  'POST /v1/customers/{customerId}/default-payment-method': () => ({ paymentMethodId: 'pm_card_visa' }),
  'POST /v1/products': () => ({ name: nextName('product') }),
  'GET /v1/products': NO_BODY,
  'GET /v1/products/{productId}': NO_BODY,
  'POST /v1/products/{productId}': () => ({ name: 'Renamed product', description: null }),
  'DELETE /v1/products/{productId}': NO_BODY,
  'POST /v1/products/{productId}/archive': EMPTY,
  'POST /v1/prices': (own) => ({ productId: own.ids.productId, currency: 'USD', pricing: { model: 'per_unit', unitAmount: 300 }, interval: { unit: 'month' } }),
  'GET /v1/prices': NO_BODY,
  'GET /v1/prices/{priceId}': NO_BODY,
  'DELETE /v1/prices/{priceId}': NO_BODY,
  'POST /v1/prices/{priceId}/archive': EMPTY,
  'POST /v1/subscriptions': (own) => ({ customerId: own.ids.customerId, items: [{ priceId: own.ids.priceId, quantity: 1 }] }),
  'GET /v1/subscriptions': NO_BODY,
  'GET /v1/subscriptions/{subscriptionId}': NO_BODY,
  'POST /v1/subscriptions/{subscriptionId}/preview-change': (own) => ({ items: [{ priceId: own.ids.priceId, quantity: 2 }] }),
  'POST /v1/subscriptions/{subscriptionId}/change': (own) => ({ items: [{ priceId: own.ids.priceId, quantity: 2 }], prorationBehavior: 'none' }),
  'POST /v1/subscriptions/{subscriptionId}/cancel': () => ({ mode: 'now', prorate: true }),
  'POST /v1/subscriptions/{subscriptionId}/pause': EMPTY,
  'POST /v1/subscriptions/{subscriptionId}/resume': EMPTY,
  'GET /v1/invoices': NO_BODY,
  'GET /v1/invoices/{invoiceId}': NO_BODY,
  'GET /v1/invoices/{invoiceId}/pdf': NO_BODY,
  'POST /v1/invoices/{invoiceId}/pay': EMPTY,
  'POST /v1/invoices/{invoiceId}/void': EMPTY,
  'GET /v1/invoices/{invoiceId}/payments': NO_BODY,
  'GET /v1/payments': NO_BODY,
  'POST /v1/coupons': () => ({ code: nextName('CODE'), percentOff: '5', duration: 'once' }),
  'GET /v1/coupons': NO_BODY,
  'GET /v1/coupons/{couponId}': NO_BODY,
  'POST /v1/coupons/{couponId}/archive': EMPTY,
  'POST /v1/customers/{customerId}/discounts': (own) => ({ couponId: own.ids.couponId }),
  'GET /v1/customers/{customerId}/discounts': NO_BODY,
  'POST /v1/subscriptions/{subscriptionId}/discounts': (own) => ({ couponId: own.ids.couponId }),
  'GET /v1/subscriptions/{subscriptionId}/discounts': NO_BODY,
  'GET /v1/customers/{customerId}/credit-balance': NO_BODY,
  'POST /v1/customers/{customerId}/credit-balance/adjustments': () => ({ amount: 100, currency: 'USD', reason: 'adjusted by someone' }),
  'GET /v1/customers/{customerId}/credit-balance/transactions': NO_BODY,
  'GET /v1/dunning-policy': NO_BODY,
  'PUT /v1/dunning-policy': () => ({ retryOffsetsDays: [1, 2, 4], maxAttempts: 4, finalAction: 'mark_unpaid' }),
  'POST /v1/meters': () => ({ key: nextName('meter'), aggregation: 'count' }),
  'GET /v1/meters': NO_BODY,
  'GET /v1/meters/{meterId}': NO_BODY,
  'POST /v1/meters/{meterId}': () => ({ displayName: 'Renamed meter' }),
  'POST /v1/meters/{meterId}/archive': EMPTY,
  'POST /v1/usage-events': (own) => ({ transactionId: nextName('tx'), eventName: 'api_calls', customerId: own.ids.customerId }),
  'POST /v1/usage-events/batch': (own) => ({ events: [{ transactionId: nextName('tx'), eventName: 'api_calls', customerId: own.ids.customerId }] }),
  'GET /v1/billing-settings': NO_BODY,
  'PUT /v1/billing-settings': () => ({ usageGracePeriodHours: 3 }),
  'GET /v1/subscriptions/{subscriptionId}/usage': NO_BODY,
  'GET /v1/subscriptions/{subscriptionId}/upcoming-invoice': NO_BODY,
  'POST /v1/invoices/{invoiceId}/credit-notes': () => ({ amount: 1, reason: 'other', outcome: 'credit_balance' }),
  'GET /v1/invoices/{invoiceId}/credit-notes': NO_BODY,
  'GET /v1/credit-notes': NO_BODY,
  'GET /v1/credit-notes/{creditNoteId}': NO_BODY,
  'POST /v1/api-keys': () => ({ name: nextName('key'), role: 'read_only' }),
  'GET /v1/api-keys': NO_BODY,
  'GET /v1/api-keys/{apiKeyId}': NO_BODY,
  'POST /v1/api-keys/{apiKeyId}/revoke': EMPTY,
  'POST /v1/api-keys/{apiKeyId}/rotate': EMPTY,
  'GET /v1/audit-events': NO_BODY,
  'GET /v1/audit-events/{auditEventId}': NO_BODY,
  'POST /v1/customers/{customerId}/invoice-items': () => ({ description: 'A one-off', unitAmount: 250 }),
  'GET /v1/customers/{customerId}/invoice-items': NO_BODY,
  'DELETE /v1/invoice-items/{invoiceItemId}': NO_BODY,
  'POST /v1/invoices': (own) => ({ customerId: own.ids.customerId, items: [{ description: 'A one-off invoice', unitAmount: 300 }] }),
  'POST /v1/features': () => ({ key: nextName('feat'), type: 'boolean' }),
  'GET /v1/features': NO_BODY,
  'GET /v1/features/{feature}': NO_BODY,
  'POST /v1/features/{feature}/archive': EMPTY,
  'POST /v1/products/{productId}/entitlements': (own) => ({ feature: own.ids.feature, limit: 500 }),
  'GET /v1/products/{productId}/entitlements': NO_BODY,
  'DELETE /v1/products/{productId}/entitlements/{feature}': NO_BODY,
  'POST /v1/prices/{priceId}/entitlements': (own) => ({ feature: own.ids.feature, limit: 600 }),
  'GET /v1/prices/{priceId}/entitlements': NO_BODY,
  'DELETE /v1/prices/{priceId}/entitlements/{feature}': NO_BODY,
  'POST /v1/subscriptions/{subscriptionId}/entitlement-overrides': (own) => ({ feature: own.ids.feature, limit: 700 }),
  'GET /v1/subscriptions/{subscriptionId}/entitlement-overrides': NO_BODY,
  'DELETE /v1/subscriptions/{subscriptionId}/entitlement-overrides/{feature}': NO_BODY,
  'POST /v1/subscriptions/{subscriptionId}/entitlement-grants': (own) => ({ feature: own.ids.feature, quantity: 5 }),
  'GET /v1/subscriptions/{subscriptionId}/entitlement-grants': NO_BODY,
  'GET /v1/customers/{customerId}/entitlements': NO_BODY,
  'GET /v1/customers/{customerId}/entitlements/{featureKey}': NO_BODY,
  'POST /v1/subscriptions/{subscriptionId}/usage-alerts': (own) => ({ meterId: own.ids.meterId, thresholds: [{ quantity: 2_000_000 }] }),
  'GET /v1/subscriptions/{subscriptionId}/usage-alerts': NO_BODY,
  'DELETE /v1/subscriptions/{subscriptionId}/usage-alerts/{usageAlertId}': NO_BODY,
  'PUT /v1/subscriptions/{subscriptionId}/spend-threshold': () => ({ amount: 70_000 }),
  'GET /v1/subscriptions/{subscriptionId}/spend-threshold': NO_BODY,
  'GET /v1/events': NO_BODY,
  'GET /v1/events/{eventId}': NO_BODY,
  'POST /v1/webhook-endpoints': () => ({ url: 'https://93.184.215.14/hooks/new', eventTypes: ['invoice.paid'] }),
  'GET /v1/webhook-endpoints': NO_BODY,
  'GET /v1/webhook-endpoints/{webhookEndpointId}': NO_BODY,
  'PATCH /v1/webhook-endpoints/{webhookEndpointId}': () => ({ description: 'renamed by someone' }),
  'DELETE /v1/webhook-endpoints/{webhookEndpointId}': NO_BODY,
  'GET /v1/webhook-endpoints/{webhookEndpointId}/secret': NO_BODY,
  'POST /v1/webhook-endpoints/{webhookEndpointId}/rotate-secret': EMPTY,
  'POST /v1/webhook-endpoints/{webhookEndpointId}/test': NO_BODY,
  'GET /v1/webhook-endpoints/{webhookEndpointId}/deliveries': NO_BODY,
  'GET /v1/webhook-endpoints/{webhookEndpointId}/deliveries/{webhookDeliveryId}': NO_BODY,
  'POST /v1/webhook-endpoints/{webhookEndpointId}/deliveries/{webhookDeliveryId}/retry': NO_BODY,
  'GET /v1/email-templates': NO_BODY,
  'PUT /v1/email-templates/{kind}': () => ({ subject: 'Changed by someone' }),
  'DELETE /v1/email-templates/{kind}': NO_BODY,
  'GET /v1/email-notifications': NO_BODY,
  // Reports over the last twelve months by default: per tenant, nothing to name.
  'GET /v1/analytics/mrr': NO_BODY,
  'GET /v1/analytics/revenue': NO_BODY,
  'GET /v1/analytics/revenue.csv': NO_BODY,
  'GET /v1/attention': NO_BODY,
};

/** The list routes without path params and an id each tenant's page must show. */
const TOP_LEVEL_LISTS: Record<string, (t: Seeded) => string> = {
  'GET /v1/customers': (t) => t.ids.customerId,
  'GET /v1/products': (t) => t.ids.productId,
  'GET /v1/prices': (t) => t.ids.priceId,
  'GET /v1/subscriptions': (t) => t.ids.subscriptionId,
  'GET /v1/invoices': (t) => t.ids.invoiceId,
  'GET /v1/payments': (t) => t.paymentId,
  'GET /v1/coupons': (t) => t.ids.couponId,
  'GET /v1/meters': (t) => t.ids.meterId,
  'GET /v1/features': (t) => t.ids.feature,
  'GET /v1/credit-notes': (t) => t.ids.creditNoteId,
  'GET /v1/api-keys': (t) => t.ids.apiKeyId,
  // Newest first: the seeded event is found by its object, not by its place in the whole trail.
  'GET /v1/audit-events': (t) => t.ids.auditEventId,
  'GET /v1/events': (t) => t.testEventId,
  'GET /v1/email-notifications': (t) => t.notificationId,
};

// ---------------------------------------------------------------------------------------------
// Calling routes

function fillPath(op: Operation, ids: Partial<Record<string, string>>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = ids[name] ?? SHARED_PARAMS[name];
    if (value === undefined) throw new Error(`No id for path parameter ${name} of ${op.id}: add it to ID_PARAMS and the seeding`);
    return encodeURIComponent(value);
  });
}

function bodyFor(op: Operation, own: Seeded): unknown {
  const make = VALID_BODIES[op.id];
  if (make === undefined) throw new Error(`${op.id} has no entry in VALID_BODIES`);
  return make(own);
}

interface CallOptions {
  key: string | null;
  /** Ids substituted into the path, by parameter name. */
  pathIds: Partial<Record<string, string>>;
  /** The tenant whose ids the body names. */
  own: Seeded;
  headers?: Record<string, string>;
  query?: string;
}

async function call(op: Operation, options: CallOptions): Promise<ApiResponse> {
  const body = bodyFor(op, options.own);
  return api.request(op.method, `${fillPath(op, options.pathIds)}${options.query ?? ''}`, {
    key: options.key,
    ...(body === undefined ? {} : { body }),
    ...(op.method === 'POST' ? { idempotencyKey: nextName('iso') } : {}),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
}

type Snapshot = Record<string, { status: number; body: unknown }>;

/**
 * What a snapshot may not compare: a subscription's usage is measured up to now (`to`); a key's
 * `lastUsedAt` moves (once a minute) as the test calls; and the workflows write their own audit
 * events whenever they act, so only the API's are compared.
 */
function withoutClock(opId: string, body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  const page = body as { data?: Array<Record<string, unknown>> };
  if (opId === 'GET /v1/api-keys') return { ...page, data: (page.data ?? []).map(({ lastUsedAt: _lastUsedAt, ...key }) => key) };
  if (opId === 'GET /v1/api-keys/{apiKeyId}') return { ...(body as Record<string, unknown>), lastUsedAt: '<moves>' };
  // Workflows write events whenever they act: the tenant's own test event is the stable part.
  if (opId === 'GET /v1/events') return { data: (page.data ?? []).filter((event) => event.type === 'webhook_endpoint.test') };
  // The queue is as of the clock; what is in it is the stable part.
  if (opId === 'GET /v1/attention') return { ...(body as Record<string, unknown>), asOf: '<now>' };
  if (opId === 'GET /v1/audit-events') return { data: (page.data ?? []).filter((event) => (event.actor as { type?: string } | undefined)?.type === 'api_key') };
  if (opId !== 'GET /v1/subscriptions/{subscriptionId}/usage') return body;
  const usage = body as { to?: unknown; meters?: Array<{ to?: unknown }> };
  return { ...usage, to: '<now>', meters: (usage.meters ?? []).map((m) => ({ ...m, to: '<now>' })) };
}

/** Every documented GET, as the tenant itself sees it on its own ids. */
async function snapshot(t: Seeded): Promise<Snapshot> {
  const gets = operations.filter((op) => op.method === 'GET');
  const responses = await Promise.all(gets.map((op) => api.request('GET', fillPath(op, t.ids), { key: t.tenant.key })));
  return Object.fromEntries(gets.map((op, i) => [op.id, { status: responses[i]?.status ?? 0, body: withoutClock(op.id, responses[i]?.body) }]));
}

/** The tenant's customer at the gateway, its saved cards and its charges. */
async function gatewaySnapshot(t: Seeded): Promise<unknown> {
  const stripe = api.h.stripe.stripe;
  const [customer, methods, intents] = await Promise.all([
    stripe.customers.retrieve(t.gatewayCustomerId),
    stripe.customers.listPaymentMethods(t.gatewayCustomerId),
    stripe.paymentIntents.list({ customer: t.gatewayCustomerId }),
  ]);
  return { customer, methods: methods.data, intents: intents.data.map((pi) => ({ id: pi.id, status: pi.status, amount: pi.amount })) };
}

async function expectUnchanged(t: Seeded, before: { api: Snapshot; gateway: unknown }): Promise<void> {
  expect(await snapshot(t), `${t.label}'s resources through the API`).toEqual(before.api);
  expect(await gatewaySnapshot(t), `${t.label}'s customer at the gateway`).toEqual(before.gateway);
}

function stringsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}

const ID_LIKE = /^[a-z]+_[A-Za-z0-9]{14,}$/;

/** Ids and values that belong to `t` alone: every id-like string in its responses, its names, its gateway ids. */
function secretsOf(t: Seeded, own: Snapshot, other: Snapshot): Set<string> {
  const theirs = stringsIn(Object.values(other).map((s) => s.body));
  const secrets = new Set<string>([...t.ownStrings, t.gatewayCustomerId, t.gatewayPaymentMethodId, ...Object.values(t.ids), t.paymentId]);
  for (const value of stringsIn(Object.values(own).map((s) => s.body))) if (ID_LIKE.test(value) && !theirs.has(value)) secrets.add(value);
  return secrets;
}

function leaked(body: unknown, secrets: Set<string>, allowed: readonly string[] = []): string[] {
  const text = JSON.stringify(body);
  return [...secrets].filter((secret) => !allowed.includes(secret) && text.includes(secret));
}

// ---------------------------------------------------------------------------------------------

let operations: Operation[];
let A: Seeded;
let B: Seeded;
let aBefore: { api: Snapshot; gateway: unknown };
let bBefore: { api: Snapshot; gateway: unknown };
let aSecrets: Set<string>;

beforeAll(async () => {
  const doc = await api.request('GET', '/openapi.json');
  expectStatus(doc, 200, 'GET /openapi.json');
  operations = operationsOf(doc.body);
  [A, B] = await Promise.all([seedTenant('A'), seedTenant('B')]);
  const [aApi, aGateway, bApi, bGateway] = await Promise.all([snapshot(A), gatewaySnapshot(A), snapshot(B), gatewaySnapshot(B)]);
  aBefore = { api: aApi, gateway: aGateway };
  bBefore = { api: bApi, gateway: bGateway };
  for (const [id, response] of Object.entries(aApi)) expect(response.status, `A's own ${id}: ${JSON.stringify(response.body)}`).toBe(200);
  for (const [id, response] of Object.entries(bApi)) expect(response.status, `B's own ${id}: ${JSON.stringify(response.body)}`).toBe(200);
  aSecrets = secretsOf(A, aApi, bApi);
}, 120_000);

describe('tenant isolation over every documented route', () => {
  it('has a valid body for every documented route, and no entry for a route the document lacks', () => {
    const documented = operations.map((op) => op.id).sort();
    expect(documented.length).toBeGreaterThan(30);
    expect(documented.filter((id) => !(id in VALID_BODIES)), 'routes missing from VALID_BODIES').toEqual([]);
    expect(Object.keys(VALID_BODIES).filter((id) => !documented.includes(id)), 'VALID_BODIES entries for undocumented routes').toEqual([]);
    const unknownParams = operations.flatMap((op) => op.pathParams.filter((name) => !isIdParam(name) && !(name in SHARED_PARAMS)).map((name) => `${op.id}: ${name}`));
    expect(unknownParams, 'path parameters this test cannot substitute').toEqual([]);
    const lists = operations.filter((op) => op.method === 'GET' && op.pathParams.length === 0 && op.queryParams.includes('limit')).map((op) => op.id);
    expect(lists.filter((id) => !(id in TOP_LEVEL_LISTS)), 'list routes missing from TOP_LEVEL_LISTS').toEqual([]);
  });

  it("answers B's key on A's ids with the same 404 as a missing id, on every route with path params, and changes nothing", async () => {
    const withParams = operations.filter((op) => op.pathParams.length > 0);
    expect(withParams.length).toBeGreaterThan(20);
    for (const op of withParams) {
      for (const param of op.pathParams) {
        if (param in SHARED_PARAMS) continue;
        if (!isIdParam(param)) throw new Error(`unexpected path parameter ${param}`);
        const foreignId = A.ids[param];
        const missingId = `${foreignId.slice(0, foreignId.indexOf('_'))}_${randomBase62(22)}`;
        // Any other path parameter is B's own: only `param` is foreign.
        const foreign = await call(op, { key: B.tenant.key, pathIds: { ...B.ids, [param]: foreignId }, own: B });
        const missing = await call(op, { key: B.tenant.key, pathIds: { ...B.ids, [param]: missingId }, own: B });
        const what = `${op.id} with A's ${param}`;
        expectStatus(foreign, 404, what);
        expect(foreign.body.error.code, what).toBe(NOT_FOUND_CODE[param]);
        expect(leaked(foreign.body, aSecrets, [foreignId]), `${what}: A's data in the error`).toEqual([]);
        // Indistinguishable from an id that never existed: same status, code, message and details.
        expect(JSON.stringify(foreign.body).replaceAll(foreignId, '<id>'), what).toBe(JSON.stringify(missing.body).replaceAll(missingId, '<id>'));
        expect(foreign.status, what).toBe(missing.status);
      }
    }
    await expectUnchanged(A, aBefore);
    await expectUnchanged(B, bBefore);
  });

  it('refuses a read-only key every write (403 insufficient_role) on its own ids, and nothing changes', async () => {
    const writes = operations.filter((op) => op.method !== 'GET');
    expect(writes.length).toBeGreaterThan(20);
    for (const op of writes) {
      const response = await call(op, { key: B.tenant.readOnlyKey, pathIds: B.ids, own: B });
      expectStatus(response, 403, `${op.id} with B's read-only key`);
      expect(response.body.error.code, op.id).toBe('insufficient_role');
    }
    // The same key reads everything of its own tenant but its API keys (an admin's to manage).
    for (const op of operations.filter((o) => o.method === 'GET')) {
      // …and a webhook endpoint's signing secret, also the administrator's.
      if (op.path.startsWith('/v1/api-keys') || op.path.endsWith('/secret')) {
        expectStatus(await call(op, { key: B.tenant.readOnlyKey, pathIds: B.ids, own: B }), 403, `${op.id} with B's read-only key`);
        continue;
      }
      const response = await call(op, { key: B.tenant.readOnlyKey, pathIds: B.ids, own: B });
      expectStatus(response, 200, `${op.id} with B's read-only key`);
      expect(withoutClock(op.id, response.body), op.id).toEqual(bBefore.api[op.id]?.body);
    }
    await expectUnchanged(B, bBefore);
    await expectUnchanged(A, aBefore);
  });

  it('answers a request without a key 401 authentication_required on every route', async () => {
    for (const op of operations) {
      for (const headers of [undefined, { authorization: '' }, { authorization: '   ' }]) {
        const response = await call(op, { key: null, pathIds: B.ids, own: B, ...(headers === undefined ? {} : { headers }) });
        expectStatus(response, 401, `${op.id} without a key (${JSON.stringify(headers)})`);
        expect(response.body.error.code, op.id).toBe('authentication_required');
        expect(response.headers.get('www-authenticate'), op.id).toMatch(/^Bearer /);
      }
    }
  });

  it('answers forged, altered, malformed, revoked and deleted keys with one identical 401 invalid_api_key on every route', async () => {
    const prisma = api.h.db.prisma;
    const revoked = await issueApiKey(prisma, { tenantId: B.tenant.tenantId, name: 'to revoke', role: 'admin' });
    const deleted = await issueApiKey(prisma, { tenantId: B.tenant.tenantId, name: 'to delete', role: 'admin' });
    for (const issued of [revoked, deleted]) expectStatus(await api.request('GET', '/v1/customers', { key: issued.secret }), 200, 'a fresh key before revocation');
    await prisma.apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    await prisma.apiKey.delete({ where: { id: deleted.id } });
    // The revoked key is B's from here on, and GET /v1/api-keys lists it.
    bBefore.api['GET /v1/api-keys'] = (await snapshot(B))['GET /v1/api-keys']!;

    const aKey = A.tenant.key;
    const last = aKey.at(-1) ?? 'a';
    const flippedLast = `${aKey.slice(0, -1)}${last === 'a' ? 'b' : 'a'}`;
    // The first letter after the prefix, its case flipped (base62 keys are case-sensitive).
    const middle = aKey.slice('dbk_'.length).search(/[A-Za-z]/) + 'dbk_'.length;
    const middleChar = aKey.charAt(middle);
    const flippedCase = `${aKey.slice(0, middle)}${middleChar === middleChar.toUpperCase() ? middleChar.toLowerCase() : middleChar.toUpperCase()}${aKey.slice(middle + 1)}`;
    expect(flippedCase).not.toBe(aKey);
    const forged: Array<{ name: string; key?: string; authorization?: string }> = [
      { name: 'dbk_ + random', key: `dbk_${randomBase62(40)}` },
      { name: "A's key with its last character changed", key: flippedLast },
      { name: "A's key with one character's case flipped", key: flippedCase },
      { name: "A's key without its prefix", key: aKey.slice('dbk_'.length) },
      { name: 'Bearer with garbage', key: 'garbage<>!%00' },
      { name: 'Bearer alone', authorization: 'Bearer' },
      { name: 'an overlong dbk_ key', key: `dbk_${'x'.repeat(300)}` },
      { name: 'a revoked key', key: revoked.secret },
      { name: 'a deleted key', key: deleted.secret },
    ];
    let reference: unknown;
    for (const variant of forged) {
      for (const op of operations) {
        const response = await call(op, {
          key: variant.key ?? null,
          pathIds: B.ids,
          own: B,
          ...(variant.authorization === undefined ? {} : { headers: { authorization: variant.authorization } }),
        });
        const what = `${op.id} with ${variant.name}`;
        expectStatus(response, 401, what);
        expect(response.body.error.code, what).toBe('invalid_api_key');
        expect(response.headers.get('www-authenticate'), what).toMatch(/^Bearer /);
        reference ??= response.body;
        expect(response.body, `${what}: every refused key gets the same answer`).toEqual(reference);
      }
    }
    await expectUnchanged(A, aBefore);
    await expectUnchanged(B, bBefore);
  });

  it("shows B only B's resources in every list and GET, and nothing when lists are filtered by A's ids", async () => {
    const gets = operations.filter((op) => op.method === 'GET');
    for (const op of gets) {
      const response = await call(op, { key: B.tenant.key, pathIds: B.ids, own: B });
      expectStatus(response, 200, `${op.id} as B`);
      expect(leaked(response.body, aSecrets), `${op.id} as B shows A's data`).toEqual([]);
      const expected = TOP_LEVEL_LISTS[op.id];
      if (expected !== undefined) {
        const ids = (response.body.data as Array<{ id: string }>).map((item) => item.id);
        expect(ids, `${op.id} as B`).toContain(expected(B));
        expect(ids, `${op.id} as B`).not.toContain(expected(A));
      }
      if (op.pathParams.length > 0 && response.body?.object === 'list') {
        expect((response.body.data as unknown[]).length, `${op.id} under B's own ids lists B's items`).toBeGreaterThan(0);
      }
    }

    // Every id filter of every top-level list: A's id matches nothing for B, and A's own item for A.
    const filtered: string[] = [];
    for (const op of gets.filter((o) => o.pathParams.length === 0)) {
      for (const param of op.queryParams.filter(isIdParam)) {
        const query = `?${param}=${encodeURIComponent(A.ids[param])}`;
        const asB = await call(op, { key: B.tenant.key, pathIds: {}, own: B, query });
        expectStatus(asB, 200, `${op.id}${query} as B`);
        expect(asB.body.data, `${op.id}${query} as B`).toEqual([]);
        expect(asB.body.hasMore, `${op.id}${query} as B`).toBe(false);
        const asA = await call(op, { key: A.tenant.key, pathIds: {}, own: A, query });
        expectStatus(asA, 200, `${op.id}${query} as A`);
        expect((asA.body.data as unknown[]).length, `${op.id}${query} as A finds A's own (so the filter is real)`).toBeGreaterThan(0);
        filtered.push(`${op.id}?${param}`);
      }
    }
    expect(filtered).toEqual(
      expect.arrayContaining([
        'GET /v1/invoices?customerId',
        'GET /v1/invoices?subscriptionId',
        'GET /v1/subscriptions?customerId',
        'GET /v1/subscriptions?priceId',
        'GET /v1/prices?productId',
        'GET /v1/payments?invoiceId',
      ]),
    );

    // The same coupon code in both tenants: B's filter finds B's coupon only.
    const byCode = await api.request('GET', `/v1/coupons?code=${SHARED_COUPON_CODE}`, { key: B.tenant.key });
    expect((byCode.body.data as Array<{ id: string }>).map((c) => c.id)).toEqual([B.ids.couponId]);
    // A's customer email and external id match nothing of B's.
    const aCustomer = aBefore.api['GET /v1/customers/{customerId}']?.body as { email: string; externalId: string };
    for (const query of [`email=${encodeURIComponent(aCustomer.email)}`, `externalId=${encodeURIComponent(aCustomer.externalId)}`]) {
      const response = await api.request('GET', `/v1/customers?${query}`, { key: B.tenant.key });
      expectStatus(response, 200, `GET /v1/customers?${query} as B`);
      expect(response.body.data, query).toEqual([]);
    }
    // A's page cursor does not open A's rows to B.
    const aPage = await api.request('GET', '/v1/products?limit=1', { key: A.tenant.key });
    const cursor = aPage.body.nextCursor as string | null;
    expect(cursor, "A's first page of two products has a cursor").not.toBeNull();
    const bPage = await api.request('GET', `/v1/products?limit=100&cursor=${encodeURIComponent(cursor ?? '')}`, { key: B.tenant.key });
    expectStatus(bPage, 200, "B paging with A's cursor");
    expect(leaked(bPage.body, aSecrets), "B paging with A's cursor").toEqual([]);
    await expectUnchanged(A, aBefore);
  });

  it("refuses A's ids named in B's request bodies exactly as ids that do not exist", async () => {
    const missing = (id: string) => `${id.slice(0, id.indexOf('_'))}_${randomBase62(22)}`;
    const cases: Array<{ name: string; method: string; path: string; body: (id: string) => unknown; foreignId: string; code: string }> = [
      {
        name: "a price on A's product",
        method: 'POST',
        path: '/v1/prices',
        body: (id) => ({ productId: id, currency: 'USD', pricing: { model: 'flat', amount: 100 }, interval: { unit: 'month' } }),
        foreignId: A.ids.productId,
        code: 'product_not_found',
      },
      {
        name: "a subscription for A's customer",
        method: 'POST',
        path: '/v1/subscriptions',
        body: (id) => ({ customerId: id, items: [{ priceId: B.ids.priceId }] }),
        foreignId: A.ids.customerId,
        code: 'customer_not_found',
      },
      {
        name: "a subscription on A's price",
        method: 'POST',
        path: '/v1/subscriptions',
        body: (id) => ({ customerId: B.ids.customerId, items: [{ priceId: id }] }),
        foreignId: A.ids.priceId,
        code: 'price_not_found',
      },
      {
        name: "A's coupon on B's customer",
        method: 'POST',
        path: `/v1/customers/${B.ids.customerId}/discounts`,
        body: (id) => ({ couponId: id }),
        foreignId: A.ids.couponId,
        code: 'coupon_not_found',
      },
      {
        name: "A's coupon on B's subscription",
        method: 'POST',
        path: `/v1/subscriptions/${B.ids.subscriptionId}/discounts`,
        body: (id) => ({ couponId: id }),
        foreignId: A.ids.couponId,
        code: 'coupon_not_found',
      },
      {
        name: "a preview of B's subscription on A's price",
        method: 'POST',
        path: `/v1/subscriptions/${B.ids.subscriptionId}/preview-change`,
        body: (id) => ({ items: [{ priceId: id }] }),
        foreignId: A.ids.priceId,
        code: 'price_not_found',
      },
      {
        name: "a change of B's subscription to A's price",
        method: 'POST',
        path: `/v1/subscriptions/${B.ids.subscriptionId}/change`,
        body: (id) => ({ items: [{ priceId: id }], prorationBehavior: 'none', effective: 'now' }),
        foreignId: A.ids.priceId,
        code: 'price_not_found',
      },
    ];
    const observed: string[] = [];
    for (const c of cases) {
      const missingId = missing(c.foreignId);
      const foreign = await api.request(c.method, c.path, { key: B.tenant.key, body: c.body(c.foreignId), idempotencyKey: nextName('ref') });
      const absent = await api.request(c.method, c.path, { key: B.tenant.key, body: c.body(missingId), idempotencyKey: nextName('ref') });
      expect(foreign.status, `${c.name}: ${JSON.stringify(foreign.body)}`).toBeGreaterThanOrEqual(400);
      expect(foreign.status, `${c.name}: ${JSON.stringify(foreign.body)}`).toBeLessThan(500);
      expect(foreign.body.error.code, c.name).toBe(c.code);
      observed.push(`${c.name} → ${foreign.status} ${foreign.body.error.code}`);
      expect(leaked(foreign.body, aSecrets, [c.foreignId]), `${c.name}: A's data in the error`).toEqual([]);
      expect(foreign.status, c.name).toBe(absent.status);
      expect(JSON.stringify(foreign.body).replaceAll(c.foreignId, '<id>'), c.name).toBe(JSON.stringify(absent.body).replaceAll(missingId, '<id>'));
    }

    console.log(`[tenant-isolation] foreign ids in bodies: ${observed.join('; ')}`);

    // The shared coupon code resolves to B's own coupon when B applies it.
    const byCode = await api.request('POST', `/v1/customers/${B.ids.customerId}/discounts`, { key: B.tenant.key, body: { code: SHARED_COUPON_CODE } });
    expectStatus(byCode, 201, 'B applying the shared code');
    expect(byCode.body.coupon.id, JSON.stringify(byCode.body)).toBe(B.ids.couponId);

    // A's card (its gateway id) cannot become B's default; B's own default stays.
    const bDefault = (await api.request('GET', `/v1/customers/${B.ids.customerId}`, { key: B.tenant.key })).body.defaultPaymentMethod;
    const stolen = await api.request('POST', `/v1/customers/${B.ids.customerId}/default-payment-method`, {
      key: B.tenant.key,
      body: { paymentMethodId: A.gatewayPaymentMethodId },
    });
    expect(stolen.status, `B setting A's card as default: ${JSON.stringify(stolen.body)}`).toBeGreaterThanOrEqual(400);
    expect(leaked(stolen.body, aSecrets, [A.gatewayPaymentMethodId]), "A's data in the refusal").toEqual([]);
    const nonexistent = await api.request('POST', `/v1/customers/${B.ids.customerId}/default-payment-method`, {
      key: B.tenant.key,
      body: { paymentMethodId: `pm_${randomBase62(24)}` },
    });
    // One answer for "attached to someone else" and "does not exist": nothing learned about A.
    expect([stolen.status, stolen.body.error.code]).toEqual([422, 'payment_method_unusable']);
    const withoutIds = (body: { error: { message: string } }) => body.error.message;
    expect([nonexistent.status, withoutIds(nonexistent.body)]).toEqual([stolen.status, withoutIds(stolen.body)]);
    expect((await api.request('GET', `/v1/customers/${B.ids.customerId}`, { key: B.tenant.key })).body.defaultPaymentMethod).toEqual(bDefault);
    const bMethods = await api.request('GET', `/v1/customers/${B.ids.customerId}/payment-methods`, { key: B.tenant.key });
    expect((bMethods.body.data as Array<{ gatewayPaymentMethodId: string }>).map((m) => m.gatewayPaymentMethodId)).not.toContain(A.gatewayPaymentMethodId);

    await expectUnchanged(A, aBefore);
  });

  it('lets B create on every write route without path params, in B only', async () => {
    const creates = operations.filter((op) => op.method !== 'GET' && op.pathParams.length === 0);
    expect(creates.length).toBeGreaterThan(4);
    for (const op of creates) {
      const response = await call(op, { key: B.tenant.key, pathIds: {}, own: B });
      expect(response.status, `${op.id} as B: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      expect(leaked(response.body, aSecrets), `${op.id} as B`).toEqual([]);
      if (typeof response.body?.id === 'string' && response.body.id !== B.tenant.tenantId) {
        const id = response.body.id;
        // Whatever B made is invisible to A.
        const getOp = operations.find((o) => o.method === 'GET' && o.path.startsWith(`${op.path}/{`) && o.pathParams.length === 1);
        if (getOp !== undefined) {
          const asA = await api.request('GET', fillPath(getOp, { [getOp.pathParams[0] ?? '']: id }), { key: A.tenant.key });
          expectStatus(asA, 404, `${getOp.id} as A on B's new ${id}`);
        }
        if (op.id === 'POST /v1/subscriptions') await waitForFirstPaidInvoice(B.tenant, id);
      }
    }
    // Values unique per tenant are unique per tenant only: A's external id and coupon code are free for B.
    const aCustomer = aBefore.api['GET /v1/customers/{customerId}']?.body as { externalId: string; email: string };
    const sameExternalId = await api.request('POST', '/v1/customers', { key: B.tenant.key, body: { currency: 'USD', externalId: aCustomer.externalId, email: aCustomer.email } });
    expectStatus(sameExternalId, 201, "B reusing A's external id");
    const found = await api.request('GET', `/v1/customers?externalId=${encodeURIComponent(aCustomer.externalId)}`, { key: B.tenant.key });
    expect((found.body.data as Array<{ id: string }>).map((c) => c.id)).toEqual([sameExternalId.body.id]);
    await expectUnchanged(A, aBefore);
  });

  // Last: it adds resources to A.
  it('keeps Idempotency-Keys per tenant: the same key and body in A and B are two requests', async () => {
    for (const [path, body] of [
      ['/v1/products', { name: 'Same key, same body' }],
      ['/v1/customers', { currency: 'USD', email: 'same@example.com' }],
      ['/v1/coupons', { code: 'SAMEKEY', percentOff: '1', duration: 'once' }],
    ] as const) {
      const asA = await api.request('POST', path, { key: A.tenant.key, body, idempotencyKey: `shared-key-${path}` });
      const asB = await api.request('POST', path, { key: B.tenant.key, body, idempotencyKey: `shared-key-${path}` });
      expectStatus(asA, 201, `${path} as A`);
      expectStatus(asB, 201, `${path} as B`);
      expect(asB.headers.get('idempotent-replayed'), path).toBeNull();
      expect(asB.body.id, path).not.toBe(asA.body.id);
      expectStatus(await api.request('GET', `${path}/${asB.body.id}`, { key: A.tenant.key }), 404, `${path} B's item as A`);
      expectStatus(await api.request('GET', `${path}/${asA.body.id}`, { key: B.tenant.key }), 404, `${path} A's item as B`);
      // A's replay is still A's.
      const replay = await api.request('POST', path, { key: A.tenant.key, body, idempotencyKey: `shared-key-${path}` });
      expect(replay.headers.get('idempotent-replayed'), path).toBe('true');
      expect(replay.body.id, path).toBe(asA.body.id);
    }
  });
});
