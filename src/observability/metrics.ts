import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics. Labels are bounded by construction — a route template, a
 * status, a currency code, an outcome from a fixed list, a decline code from Stripe's documented
 * list (anything else is `other`) — and never carry a tenant, customer, invoice or subscription id.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by route template, method and status; _count is the request count',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const invoicesIssued = new Counter({
  name: 'billing_invoices_issued_total',
  help: 'Invoices finalized (numbered and due), by currency',
  labelNames: ['currency'] as const,
  registers: [metricsRegistry],
});

export const amountInvoiced = new Counter({
  name: 'billing_invoiced_minor_units_total',
  help: 'Totals of finalized invoices, in minor units of the currency',
  labelNames: ['currency'] as const,
  registers: [metricsRegistry],
});

export const amountCollected = new Counter({
  name: 'billing_collected_minor_units_total',
  help: 'Payments that succeeded, in minor units of the currency',
  labelNames: ['currency'] as const,
  registers: [metricsRegistry],
});

export const paymentAttempts = new Counter({
  name: 'billing_payment_attempts_total',
  help: 'Payment attempts by outcome (succeeded, declined, no_payment_method, rejected) and decline code (none when there is none)',
  labelNames: ['outcome', 'decline_code'] as const,
  registers: [metricsRegistry],
});

export const dunningAttempts = new Counter({
  name: 'billing_dunning_attempts_total',
  help: 'Retries of a failed payment (attempt 2 and later), by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const subscriptionsByStatus = new Gauge({
  name: 'billing_subscriptions',
  help: 'Subscriptions by status, read from the database on a timer (every process reports the same numbers: aggregate with max)',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

export const webhookDeliveries = new Counter({
  name: 'billing_webhook_delivery_attempts_total',
  help: 'Webhook delivery attempts by outcome (delivered, failed: a non-2xx answer, gone: 410, no_response: a timeout or connection error)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const usageEvents = new Counter({
  name: 'billing_usage_events_total',
  help: 'Usage events received, by result (accepted, duplicate, refused)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

export const reconciliationDiscrepancies = new Counter({
  name: 'billing_reconciliation_discrepancies_total',
  help: 'Disagreements the payment reconciliation found between the gateway and the ledger, by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const emailsSent = new Counter({
  name: 'billing_emails_total',
  help: 'Customer email sends by outcome (sent, retry: SMTP failed and it is due again, failed: given up, skipped)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
