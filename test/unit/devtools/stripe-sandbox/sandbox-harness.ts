import Stripe from 'stripe';
import { createStripeSandbox, SANDBOX_SECRET_KEY, type StripeSandbox, type StripeSandboxOptions } from '../../../../src/devtools/stripe-sandbox/index.js';

export interface SandboxHarness {
  sandbox: StripeSandbox;
  stripe: Stripe;
  url: string;
  /** A client with its own retry budget, like the gateway's production configuration. */
  client(maxNetworkRetries: number): Stripe;
  close(): Promise<void>;
}

/** The real SDK pointed at a sandbox on a free localhost port. */
export async function startSandbox(options: StripeSandboxOptions = {}): Promise<SandboxHarness> {
  const sandbox = createStripeSandbox(options);
  const running = await sandbox.listen(0);
  const client = (maxNetworkRetries: number): Stripe =>
    new Stripe(SANDBOX_SECRET_KEY, {
      host: '127.0.0.1',
      port: running.port,
      protocol: 'http',
      maxNetworkRetries,
      // Keep SDK-internal retry sleeps short so fault tests stay fast.
      timeout: 5_000,
      // Telemetry headers are meaningless against a sandbox and warn when hundreds of requests queue.
      telemetry: false,
    });
  return {
    sandbox,
    stripe: client(0),
    url: running.url,
    client,
    async close() {
      await sandbox.flushWebhooks();
      await running.close();
    },
  };
}

/** Calls `fn`, expecting Stripe to refuse: returns the SDK's error. */
export async function stripeError(fn: () => Promise<unknown>): Promise<InstanceType<typeof Stripe.errors.StripeError>> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected a Stripe error, but the call succeeded');
}
