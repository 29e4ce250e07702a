import type Stripe from 'stripe';
import { createStripeClient } from '../../src/payments/stripe-client.js';
import { StripeGateway } from '../../src/payments/stripe-gateway.js';
import {
  createStripeSandbox,
  SANDBOX_SECRET_KEY,
  type RunningStripeSandbox,
  type StripeSandbox,
  type StripeSandboxOptions,
} from '../../src/devtools/stripe-sandbox/index.js';

export interface SandboxHarness {
  sandbox: StripeSandbox;
  running: RunningStripeSandbox;
  stripe: Stripe;
  gateway: StripeGateway;
  close(): Promise<void>;
}

/** The local Stripe sandbox on a free port, and the real SDK and gateway pointed at it. */
export async function startSandbox(options: StripeSandboxOptions = {}, maxNetworkRetries = 0): Promise<SandboxHarness> {
  const sandbox = createStripeSandbox(options);
  const running = await sandbox.listen(0);
  const stripe = createStripeClient({ secretKey: SANDBOX_SECRET_KEY, apiBase: running.url, maxNetworkRetries, timeoutMs: 10_000 });
  return { sandbox, running, stripe, gateway: new StripeGateway(stripe), close: () => running.close() };
}

/** A customer at the sandbox whose default payment method behaves like `testPaymentMethod`. */
export async function customerWithCard(harness: SandboxHarness, testPaymentMethod: string, customerId = `cus_local_${Math.random().toString(36).slice(2)}`): Promise<string> {
  const { gatewayCustomerId } = await harness.gateway.createCustomer({ tenantId: 'ten_test', customerId, email: `${customerId}@example.com` });
  await harness.gateway.setDefaultPaymentMethod({ gatewayCustomerId, paymentMethodId: testPaymentMethod });
  return gatewayCustomerId;
}
