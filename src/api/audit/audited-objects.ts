import { getApiKey } from '../../billing/api-keys/get-api-key.js';
import { listEmailTemplates } from '../../billing/notifications/list-email-templates.js';
import { getWebhookEndpoint } from '../../billing/webhook-endpoints/get-webhook-endpoint.js';
import { getPrice } from '../../billing/catalog/get-price.js';
import { getProduct } from '../../billing/catalog/get-product.js';
import { getCoupon } from '../../billing/coupons/get-coupon.js';
import { getDiscount } from '../../billing/coupons/get-discount.js';
import { getCreditBalance } from '../../billing/credit/get-credit-balance.js';
import { getCreditNote } from '../../billing/credit-notes/get-credit-note.js';
import { getFeature } from '../../billing/entitlements/get-feature.js';
import { listEntitlementGrants } from '../../billing/entitlements/list-entitlement-grants.js';
import { listEntitlementOverrides } from '../../billing/entitlements/list-entitlement-overrides.js';
import { listPlanEntitlements } from '../../billing/entitlements/list-plan-entitlements.js';
import { getSpendThreshold } from '../../billing/subscriptions/get-spend-threshold.js';
import { listUsageAlerts } from '../../billing/usage-alerts/list-usage-alerts.js';
import { getCustomer } from '../../billing/customers/get-customer.js';
import type { BillingDatabase } from '../../billing/db.js';
import { getDunningPolicy } from '../../billing/dunning/get-dunning-policy.js';
import { isBillingError } from '../../billing/failures.js';
import { getInvoiceItem } from '../../billing/invoice-items/get-invoice-item.js';
import { getInvoice } from '../../billing/invoices/get-invoice.js';
import { getMeter } from '../../billing/meters/get-meter.js';
import { getBillingSettings } from '../../billing/settings/get-billing-settings.js';
import { getSubscriptionRecord } from '../../billing/subscriptions/get-subscription-record.js';

function byFeature<T extends { featureKey: string; value: unknown; limit: string | null }>(rows: readonly T[]) {
  return Object.fromEntries(rows.map((row) => [row.featureKey, { granted: true, ...('hasAccess' in row ? { hasAccess: row.hasAccess } : {}), value: row.value, limit: row.limit }]));
}

/**
 * How the audit trail reads an object before and after a change: through the same operation its
 * GET route uses, so the trail shows exactly what the API shows.
 */
const LOADERS = {
  customer: (db: BillingDatabase, tenantId: string, id: string) => getCustomer(db, { tenantId, customerId: id }),
  product: (db: BillingDatabase, tenantId: string, id: string) => getProduct(db, { tenantId, productId: id }),
  price: (db: BillingDatabase, tenantId: string, id: string) => getPrice(db, { tenantId, priceId: id }),
  subscription: (db: BillingDatabase, tenantId: string, id: string) => getSubscriptionRecord(db, { tenantId, subscriptionId: id }),
  invoice_item: (db: BillingDatabase, tenantId: string, id: string) => getInvoiceItem(db, { tenantId, invoiceItemId: id }),
  invoice: (db: BillingDatabase, tenantId: string, id: string) => getInvoice(db, { tenantId, invoiceId: id }),
  coupon: (db: BillingDatabase, tenantId: string, id: string) => getCoupon(db, { tenantId, couponId: id }),
  discount: (db: BillingDatabase, tenantId: string, id: string) => getDiscount(db, { tenantId, discountId: id }),
  credit_note: (db: BillingDatabase, tenantId: string, id: string) => getCreditNote(db, { tenantId, creditNoteId: id }),
  credit_balance: (db: BillingDatabase, tenantId: string, id: string) => getCreditBalance(db, { tenantId, customerId: id }),
  dunning_policy: (db: BillingDatabase, tenantId: string) => getDunningPolicy(db, { tenantId }),
  billing_settings: (db: BillingDatabase, tenantId: string) => getBillingSettings(db, { tenantId }),
  meter: (db: BillingDatabase, tenantId: string, id: string) => getMeter(db, { tenantId, meterId: id }),
  feature: (db: BillingDatabase, tenantId: string, id: string) => getFeature(db, { tenantId, feature: id }),
  // Keyed by feature, so the trail shows `api_calls.limit: 1000 → 5000` rather than a whole new list.
  product_entitlements: async (db: BillingDatabase, tenantId: string, id: string) => byFeature(await listPlanEntitlements(db, tenantId, { productId: id })),
  price_entitlements: async (db: BillingDatabase, tenantId: string, id: string) => byFeature(await listPlanEntitlements(db, tenantId, { priceId: id })),
  subscription_entitlements: async (db: BillingDatabase, tenantId: string, id: string) => ({
    overrides: byFeature(await listEntitlementOverrides(db, { tenantId, subscriptionId: id })),
    grants: await listEntitlementGrants(db, { tenantId, subscriptionId: id }),
  }),
  usage_alert: async (db: BillingDatabase, tenantId: string, id: string) => {
    const alert = await db.usageAlert.findFirst({ where: { id, tenantId }, select: { subscriptionId: true } });
    return alert === null ? null : ((await listUsageAlerts(db, { tenantId, subscriptionId: alert.subscriptionId })).find((a) => a.id === id) ?? null);
  },
  spend_threshold: (db: BillingDatabase, tenantId: string, id: string) => getSpendThreshold(db, { tenantId, subscriptionId: id }),
  api_key: (db: BillingDatabase, tenantId: string, id: string) => getApiKey(db, { tenantId, apiKeyId: id }),
  // The view never holds the signing secret: a rotation shows as `updatedAt` and the previous secret's expiry.
  webhook_endpoint: (db: BillingDatabase, tenantId: string, id: string) => getWebhookEndpoint(db, { tenantId, endpointId: id }),
  email_template: async (db: BillingDatabase, tenantId: string, kind: string) => (await listEmailTemplates(db, { tenantId })).find((template) => template.kind === kind) ?? null,
} as const;

export type AuditedObjectType = keyof typeof LOADERS;

/** The object's view, or null when there is none (not yet created, or deleted). */
export async function loadAuditedObject(db: BillingDatabase, type: AuditedObjectType, tenantId: string, id: string): Promise<unknown> {
  try {
    return await LOADERS[type](db, tenantId, id);
  } catch (error) {
    if (isBillingError(error) && error.kind === 'not_found') return null;
    if (isBillingError(error) && error.kind === 'malformed') return null;
    throw error;
  }
}
