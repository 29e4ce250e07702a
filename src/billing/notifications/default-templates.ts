import type { EmailKind } from './email-kinds.js';

/** One email as a tenant may write it: Handlebars templates for the subject, plain text and HTML. */
export interface EmailTemplateSource {
  subject: string;
  text: string;
  html: string;
}

const footer = {
  text: '\n--\n{{tenant.name}}',
  html: '<p style="color:#666;font-size:12px">{{tenant.name}}</p>',
};

const page = (body: string) => `<!doctype html><html><body style="font-family:sans-serif;max-width:560px">${body}${footer.html}</body></html>`;

/**
 * The emails every tenant sends until it saves its own (PUT /v1/email-templates/{kind}). The
 * variables each may use are listed in the README; HTML templates escape every value.
 */
export const DEFAULT_TEMPLATES: { readonly [K in EmailKind]: EmailTemplateSource } = {
  invoice_finalized: {
    subject: 'Invoice {{invoice.number}} from {{tenant.name}}: {{invoice.amountDue}} due',
    text: 'Hello {{customer.name}},\n\nInvoice {{invoice.number}} for {{invoice.amountDue}} is ready.\nView it: {{invoice.url}}\n{{#if invoice.willBeCharged}}It will be charged to your saved payment method.{{/if}}' + footer.text,
    html: page('<p>Hello {{customer.name}},</p><p>Invoice <strong>{{invoice.number}}</strong> for <strong>{{invoice.amountDue}}</strong> is ready.</p><p><a href="{{invoice.url}}">View invoice {{invoice.number}}</a></p>{{#if invoice.willBeCharged}}<p>It will be charged to your saved payment method.</p>{{/if}}'),
  },
  payment_failed: {
    subject: 'Payment of {{invoice.amountDue}} failed for invoice {{invoice.number}}',
    text: 'Hello {{customer.name}},\n\nWe could not collect {{invoice.amountDue}} for invoice {{invoice.number}} ({{payment.reason}}).\n{{#if payment.nextRetryAt}}We will try again on {{payment.nextRetryAt}}.{{else}}We will not try again automatically.{{/if}}\nUpdate your payment method or pay here: {{invoice.url}}' + footer.text,
    html: page('<p>Hello {{customer.name}},</p><p>We could not collect <strong>{{invoice.amountDue}}</strong> for invoice {{invoice.number}} ({{payment.reason}}).</p><p>{{#if payment.nextRetryAt}}We will try again on <strong>{{payment.nextRetryAt}}</strong>.{{else}}We will not try again automatically.{{/if}}</p><p><a href="{{invoice.url}}">View invoice {{invoice.number}}</a></p>'),
  },
  payment_succeeded: {
    subject: 'Receipt: {{payment.amount}} paid to {{tenant.name}}',
    text: 'Hello {{customer.name}},\n\nThank you: we received {{payment.amount}} for invoice {{invoice.number}} on {{payment.paidAt}}.\nReceipt: {{invoice.url}}' + footer.text,
    html: page('<p>Hello {{customer.name}},</p><p>Thank you: we received <strong>{{payment.amount}}</strong> for invoice {{invoice.number}} on {{payment.paidAt}}.</p><p><a href="{{invoice.url}}">View the receipt</a></p>'),
  },
  trial_ending: {
    subject: 'Your {{tenant.name}} trial ends on {{subscription.trialEnd}}',
    text: 'Hello {{customer.name}},\n\nYour trial ends on {{subscription.trialEnd}}.{{#if customer.hasPaymentMethod}} Your saved payment method will then be charged.{{else}} Add a payment method to keep your subscription.{{/if}}' + footer.text,
    html: page('<p>Hello {{customer.name}},</p><p>Your trial ends on <strong>{{subscription.trialEnd}}</strong>.{{#if customer.hasPaymentMethod}} Your saved payment method will then be charged.{{else}} Add a payment method to keep your subscription.{{/if}}</p>'),
  },
  upcoming_renewal: {
    subject: 'Your {{tenant.name}} subscription renews on {{subscription.renewsAt}}',
    text: 'Hello {{customer.name}},\n\nYour subscription renews on {{subscription.renewsAt}}:\n{{#each subscription.items}}- {{this.name}} × {{this.quantity}}\n{{/each}}' + footer.text,
    html: page('<p>Hello {{customer.name}},</p><p>Your subscription renews on <strong>{{subscription.renewsAt}}</strong>:</p><ul>{{#each subscription.items}}<li>{{this.name}} × {{this.quantity}}</li>{{/each}}</ul>'),
  },
  subscription_canceled: {
    subject: 'Your {{tenant.name}} subscription has ended',
    text: 'Hello {{customer.name}},\n\nYour subscription ended on {{subscription.endedAt}}. We are sorry to see you go.' + footer.text,
    html: page('<p>Hello {{customer.name}},</p><p>Your subscription ended on <strong>{{subscription.endedAt}}</strong>. We are sorry to see you go.</p>'),
  },
};
