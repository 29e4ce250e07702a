import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DevStackConfig } from '../../config/index.js';
import { randomBase62 } from '../../ids.js';
import { createStripeSandbox, SANDBOX_SECRET_KEY } from '../stripe-sandbox/index.js';

export interface DevPayments {
  secretKey: string;
  apiBase: string | undefined;
  webhookSecret: string;
  description: string;
  /** Delivers the webhooks a previous run still owed; call once the API that receives them is up. */
  resumeWebhooks?: () => void;
  stop?: () => Promise<void>;
}

// Stripe retries a webhook for days; the sandbox backs off to 2 s between attempts, so this many
// attempts keep an event owed for about three minutes of the API being down (a restart, a deploy).
const WEBHOOK_ATTEMPTS = 100;

/**
 * Payments for `npm start`: a real Stripe account when STRIPE_SECRET_KEY is set (then
 * STRIPE_WEBHOOK_SECRET must be too), otherwise the bundled sandbox, which keeps its state and
 * its webhook secret in the data directory and sends signed webhooks to this stack's API.
 */
export async function startPayments(config: DevStackConfig, dataDir: string): Promise<DevPayments> {
  if (config.STRIPE_SECRET_KEY) {
    if (!config.STRIPE_WEBHOOK_SECRET) {
      throw new Error('STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (the signing secret of your webhook endpoint)');
    }
    return {
      secretKey: config.STRIPE_SECRET_KEY,
      apiBase: config.STRIPE_API_BASE,
      webhookSecret: config.STRIPE_WEBHOOK_SECRET,
      description: config.STRIPE_API_BASE ?? 'api.stripe.com (your account)',
    };
  }
  const secretFile = join(dataDir, 'stripe-webhook-secret');
  let webhookSecret = existsSync(secretFile) ? (await readFile(secretFile, 'utf8')).trim() : '';
  if (!webhookSecret) {
    webhookSecret = `whsec_${randomBase62(32)}`;
    await writeFile(secretFile, `${webhookSecret}\n`, { mode: 0o600 });
  }
  const sandbox = createStripeSandbox({
    webhook: { url: `http://127.0.0.1:${config.PORT}/v1/webhooks/stripe`, secret: webhookSecret, maxAttempts: WEBHOOK_ATTEMPTS },
    statePath: join(dataDir, 'stripe-sandbox.json'),
  });
  const running = await sandbox.listen(config.STRIPE_SANDBOX_PORT, '127.0.0.1');
  return {
    secretKey: SANDBOX_SECRET_KEY,
    apiBase: running.url,
    webhookSecret,
    description: `sandbox ${running.url}  (ledger: ${running.url}/_sandbox/ledger)`,
    resumeWebhooks: () => sandbox.resumePendingWebhooks(),
    // Deliveries still owed at shutdown stay in the state file and are resumed by the next start.
    stop: async () => {
      await running.close();
      await sandbox.close();
    },
  };
}
