import type { PrismaClient } from '../src/db/prisma-client.js';
import type { SubscriptionWorkflowProbe } from '../src/billing/jobs/subscription-workflow-probe.js';
import type { PaymentGateway } from '../src/payments/gateway.js';
import type { OutboundDispatcher } from '../src/billing/events/outbound-dispatcher.js';
import type { EmailSender } from '../src/billing/notifications/email-sender.js';
import type { WebhookUrlPolicy } from '../src/billing/webhook-endpoints/address-policy.js';
import type { PostWebhookInput } from '../src/billing/webhook-endpoints/webhook-transport.js';

/** What activities need from the outside world, injected so tests can supply real parts. */
export interface ActivityDependencies {
  prisma: PrismaClient;
  gateway: PaymentGateway;
  /** The subscription workflows as the scheduled jobs see them; only the job activities need it. */
  probe?: SubscriptionWorkflowProbe;
  /** Starts the lane and email workflows the event relay hands work to; only the relay needs it. */
  outbound?: OutboundDispatcher;
  /** Which webhook URLs deliveries may reach: strict (public https) unless the development server says otherwise. */
  webhookUrlPolicy?: WebhookUrlPolicy;
  /** DNS for webhook deliveries (tests point a name at an address). */
  webhookLookup?: PostWebhookInput['lookup'];
  /** SMTP; absent, customer emails are recorded as skipped. */
  mailer?: EmailSender;
  /** The base URL of links in emails (the hosted invoice page). */
  publicUrl?: string;
  /** The clock for timestamps written to rows; defaults to the billing clock (see billing-clock.ts). */
  now?: () => number;
}

/** The billing clock of these dependencies as the Date operations stamp rows with. */
export function clockOf(deps: ActivityDependencies): Date {
  return new Date((deps.now ?? Date.now)());
}
