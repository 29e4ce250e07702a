import { z } from 'zod';
import { loadConfigOrExit } from '../../config/index.js';
import { createStripeSandbox } from './sandbox.js';

// `npm run stripe:sandbox`: a Stripe-compatible server for development and for driving tests
// from outside. Point the SDK at it with { host, port, protocol: 'http' } and any sk_test_ key.
const sandboxConfigSchema = z
  .object({
    STRIPE_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(12111),
    STRIPE_SANDBOX_HOST: z.string().default('127.0.0.1'),
    STRIPE_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    STRIPE_SANDBOX_STATE: z.string().optional(),
    STRIPE_SANDBOX_SEED: z.coerce.number().int().min(0).max(2 ** 32 - 1).optional(),
  })
  .refine((c) => (c.STRIPE_WEBHOOK_URL === undefined) === (c.STRIPE_WEBHOOK_SECRET === undefined), {
    message: 'STRIPE_WEBHOOK_URL and STRIPE_WEBHOOK_SECRET are set together or not at all',
  });

const config = loadConfigOrExit(sandboxConfigSchema);
const sandbox = createStripeSandbox({
  ...(config.STRIPE_WEBHOOK_URL && config.STRIPE_WEBHOOK_SECRET
    ? { webhook: { url: config.STRIPE_WEBHOOK_URL, secret: config.STRIPE_WEBHOOK_SECRET } }
    : {}),
  ...(config.STRIPE_SANDBOX_STATE === undefined ? {} : { statePath: config.STRIPE_SANDBOX_STATE }),
  ...(config.STRIPE_SANDBOX_SEED === undefined ? {} : { seed: config.STRIPE_SANDBOX_SEED }),
  log: (line) => console.log(`[stripe-sandbox] ${line}`),
});
const running = await sandbox.listen(config.STRIPE_SANDBOX_PORT, config.STRIPE_SANDBOX_HOST);
console.log(`Stripe sandbox listening on ${running.url} (Stripe API under /v1, control API under /_sandbox)`);
if (config.STRIPE_WEBHOOK_URL) console.log(`Webhooks go to ${config.STRIPE_WEBHOOK_URL}`);
sandbox.resumePendingWebhooks();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running
      .close()
      .then(() => sandbox.close())
      .then(() => process.exit(0));
  });
}
