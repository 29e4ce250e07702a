import { RouteTable } from '../route-templates.js';
import type { AuditedObjectType } from './audited-objects.js';

/**
 * What each mutation route writes to the audit trail: its action, the object it changes and where
 * that object's id comes from — a path parameter, the tenant itself (its settings), or the
 * response (a create). `null`: not audited, and why is said beside it. Every POST, PUT and DELETE
 * of the API must be listed (test/workflow/api/audit-trail.test.ts checks, and performs each).
 */
export interface AuditedRoute {
  action: string;
  object: AuditedObjectType;
  id: { param: string } | 'tenant' | 'response';
  /** Where in the response body the object is, when it is not the body itself. */
  responseObject?: string;
}

export const AUDITED_ROUTES = new RouteTable<AuditedRoute | null>({
  'POST /v1/customers': { action: 'customer.created', object: 'customer', id: 'response' },
  'POST /v1/customers/{customerId}': { action: 'customer.updated', object: 'customer', id: { param: 'customerId' } },
  'POST /v1/customers/{customerId}/payment-method-setups': { action: 'customer.payment_method_setup_started', object: 'customer', id: { param: 'customerId' } },
  'POST /v1/customers/{customerId}/default-payment-method': { action: 'customer.default_payment_method_set', object: 'customer', id: { param: 'customerId' } },
  'POST /v1/customers/{customerId}/invoice-items': { action: 'invoice_item.created', object: 'invoice_item', id: 'response' },
  'DELETE /v1/invoice-items/{invoiceItemId}': { action: 'invoice_item.deleted', object: 'invoice_item', id: { param: 'invoiceItemId' } },
  'POST /v1/products': { action: 'product.created', object: 'product', id: 'response' },
  'POST /v1/products/{productId}': { action: 'product.updated', object: 'product', id: { param: 'productId' } },
  'DELETE /v1/products/{productId}': { action: 'product.deleted', object: 'product', id: { param: 'productId' } },
  'POST /v1/products/{productId}/archive': { action: 'product.archived', object: 'product', id: { param: 'productId' } },
  'POST /v1/prices': { action: 'price.created', object: 'price', id: 'response' },
  'DELETE /v1/prices/{priceId}': { action: 'price.deleted', object: 'price', id: { param: 'priceId' } },
  'POST /v1/prices/{priceId}/archive': { action: 'price.archived', object: 'price', id: { param: 'priceId' } },
  'POST /v1/subscriptions': { action: 'subscription.created', object: 'subscription', id: 'response' },
  // A preview changes nothing.
  'POST /v1/subscriptions/{subscriptionId}/preview-change': null,
  'POST /v1/subscriptions/{subscriptionId}/change': { action: 'subscription.change_requested', object: 'subscription', id: { param: 'subscriptionId' } },
  'POST /v1/subscriptions/{subscriptionId}/cancel': { action: 'subscription.cancel_requested', object: 'subscription', id: { param: 'subscriptionId' } },
  'POST /v1/subscriptions/{subscriptionId}/pause': { action: 'subscription.paused', object: 'subscription', id: { param: 'subscriptionId' } },
  'POST /v1/subscriptions/{subscriptionId}/resume': { action: 'subscription.resumed', object: 'subscription', id: { param: 'subscriptionId' } },
  'POST /v1/subscriptions/{subscriptionId}/discounts': { action: 'discount.created', object: 'discount', id: 'response' },
  'POST /v1/invoices': { action: 'invoice.created', object: 'invoice', id: 'response' },
  'POST /v1/invoices/{invoiceId}/pay': { action: 'invoice.payment_requested', object: 'invoice', id: { param: 'invoiceId' }, responseObject: 'invoice' },
  'POST /v1/invoices/{invoiceId}/void': { action: 'invoice.voided', object: 'invoice', id: { param: 'invoiceId' } },
  'POST /v1/invoices/{invoiceId}/credit-notes': { action: 'credit_note.created', object: 'credit_note', id: 'response' },
  'POST /v1/coupons': { action: 'coupon.created', object: 'coupon', id: 'response' },
  'POST /v1/coupons/{couponId}/archive': { action: 'coupon.archived', object: 'coupon', id: { param: 'couponId' } },
  'POST /v1/customers/{customerId}/discounts': { action: 'discount.created', object: 'discount', id: 'response' },
  'POST /v1/customers/{customerId}/credit-balance/adjustments': { action: 'credit_balance.adjusted', object: 'credit_balance', id: { param: 'customerId' }, responseObject: 'balance' },
  'PUT /v1/dunning-policy': { action: 'dunning_policy.updated', object: 'dunning_policy', id: 'tenant' },
  'PUT /v1/billing-settings': { action: 'billing_settings.updated', object: 'billing_settings', id: 'tenant' },
  'POST /v1/meters': { action: 'meter.created', object: 'meter', id: 'response' },
  'POST /v1/meters/{meterId}': { action: 'meter.updated', object: 'meter', id: { param: 'meterId' } },
  'POST /v1/meters/{meterId}/archive': { action: 'meter.archived', object: 'meter', id: { param: 'meterId' } },
  // Usage events are their own immutable, deduplicated record (by transactionId), at up to tens
  // of thousands a second: an audit row each would double the cost of ingestion and add nothing.
  'POST /v1/usage-events': null,
  'POST /v1/usage-events/batch': null,
  'POST /v1/features': { action: 'feature.created', object: 'feature', id: 'response' },
  'POST /v1/features/{feature}/archive': { action: 'feature.archived', object: 'feature', id: { param: 'feature' } },
  'POST /v1/products/{productId}/entitlements': { action: 'product.entitlement_set', object: 'product_entitlements', id: { param: 'productId' } },
  'DELETE /v1/products/{productId}/entitlements/{feature}': { action: 'product.entitlement_removed', object: 'product_entitlements', id: { param: 'productId' } },
  'POST /v1/prices/{priceId}/entitlements': { action: 'price.entitlement_set', object: 'price_entitlements', id: { param: 'priceId' } },
  'DELETE /v1/prices/{priceId}/entitlements/{feature}': { action: 'price.entitlement_removed', object: 'price_entitlements', id: { param: 'priceId' } },
  'POST /v1/subscriptions/{subscriptionId}/entitlement-overrides': { action: 'subscription.entitlement_overridden', object: 'subscription_entitlements', id: { param: 'subscriptionId' } },
  'DELETE /v1/subscriptions/{subscriptionId}/entitlement-overrides/{feature}': {
    action: 'subscription.entitlement_override_removed',
    object: 'subscription_entitlements',
    id: { param: 'subscriptionId' },
  },
  'POST /v1/subscriptions/{subscriptionId}/entitlement-grants': { action: 'subscription.quota_granted', object: 'subscription_entitlements', id: { param: 'subscriptionId' } },
  'POST /v1/subscriptions/{subscriptionId}/usage-alerts': { action: 'usage_alert.created', object: 'usage_alert', id: 'response' },
  'DELETE /v1/subscriptions/{subscriptionId}/usage-alerts/{usageAlertId}': { action: 'usage_alert.deleted', object: 'usage_alert', id: { param: 'usageAlertId' } },
  'PUT /v1/subscriptions/{subscriptionId}/spend-threshold': { action: 'subscription.spend_threshold_set', object: 'spend_threshold', id: { param: 'subscriptionId' } },
  'POST /v1/api-keys': { action: 'api_key.created', object: 'api_key', id: 'response' },
  'POST /v1/api-keys/{apiKeyId}/revoke': { action: 'api_key.revoked', object: 'api_key', id: { param: 'apiKeyId' } },
  'POST /v1/api-keys/{apiKeyId}/rotate': { action: 'api_key.rotated', object: 'api_key', id: { param: 'apiKeyId' } },
  'POST /v1/webhook-endpoints': { action: 'webhook_endpoint.created', object: 'webhook_endpoint', id: 'response' },
  'PATCH /v1/webhook-endpoints/{webhookEndpointId}': { action: 'webhook_endpoint.updated', object: 'webhook_endpoint', id: { param: 'webhookEndpointId' } },
  'DELETE /v1/webhook-endpoints/{webhookEndpointId}': { action: 'webhook_endpoint.deleted', object: 'webhook_endpoint', id: { param: 'webhookEndpointId' } },
  'POST /v1/webhook-endpoints/{webhookEndpointId}/rotate-secret': { action: 'webhook_endpoint.secret_rotated', object: 'webhook_endpoint', id: { param: 'webhookEndpointId' } },
  // A test or a replay sends a request and logs an attempt (in the delivery log); it changes no setting.
  'POST /v1/webhook-endpoints/{webhookEndpointId}/test': null,
  'POST /v1/webhook-endpoints/{webhookEndpointId}/deliveries/{webhookDeliveryId}/retry': null,
  'PUT /v1/email-templates/{kind}': { action: 'email_template.saved', object: 'email_template', id: { param: 'kind' } },
  'DELETE /v1/email-templates/{kind}': { action: 'email_template.reset', object: 'email_template', id: { param: 'kind' } },
});
