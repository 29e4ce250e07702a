import { z } from 'zod';
import { assertDunningPolicy, DEFAULT_HARD_DECLINE_CODES } from '../../domain/index.js';
import type { DunningPolicy } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { notFound, withDomainValidation } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';

const saveDunningPolicyInput = z.object({
  tenantId: idSchema,
  retryOffsetsDays: z.array(z.number()),
  maxAttempts: z.int().nullish(),
  hardDeclineCodes: z.array(z.string().trim().min(1)).optional(),
  finalAction: z.enum(['cancel', 'mark_unpaid', 'leave_past_due']),
  invoiceFinalState: z.enum(['uncollectible', 'open']).optional(),
  trialEndWithoutPaymentMethod: z.enum(['cancel', 'pause', 'create_invoice']).optional(),
});

export type SaveDunningPolicyInput = z.input<typeof saveDunningPolicyInput>;

export interface SavedDunningPolicy {
  tenantId: string;
  dunning: DunningPolicy;
  trialEndWithoutPaymentMethod: 'cancel' | 'pause' | 'create_invoice';
}

/**
 * Creates or replaces the tenant's dunning policy. The domain validates it (increasing offsets,
 * attempts within the schedule); defaults are written out explicitly so the stored row is the
 * whole policy and a later change of a default never changes a tenant's dunning silently.
 */
export async function saveDunningPolicy(prisma: PrismaClient, input: SaveDunningPolicyInput): Promise<SavedDunningPolicy> {
  const parsed = parseInput(saveDunningPolicyInput, input);
  const dunning: DunningPolicy = {
    retryOffsetsDays: parsed.retryOffsetsDays,
    ...(parsed.maxAttempts === null || parsed.maxAttempts === undefined ? {} : { maxAttempts: parsed.maxAttempts }),
    hardDeclineCodes: parsed.hardDeclineCodes ?? [...DEFAULT_HARD_DECLINE_CODES],
    finalAction: parsed.finalAction,
    invoiceFinalState: parsed.invoiceFinalState ?? (parsed.finalAction === 'leave_past_due' ? 'open' : 'uncollectible'),
  };
  withDomainValidation(() => assertDunningPolicy(dunning));
  if ((await prisma.tenant.count({ where: { id: parsed.tenantId } })) === 0) throw notFound('tenant', parsed.tenantId);
  const trialEndWithoutPaymentMethod = parsed.trialEndWithoutPaymentMethod ?? 'create_invoice';
  const row = {
    retryOffsetsDays: [...dunning.retryOffsetsDays],
    maxAttempts: dunning.maxAttempts ?? null,
    hardDeclineCodes: [...(dunning.hardDeclineCodes ?? [])],
    finalAction: dunning.finalAction,
    invoiceFinalState: dunning.invoiceFinalState ?? 'uncollectible',
    trialEndWithoutPaymentMethod,
  };
  await prisma.dunningPolicy.upsert({ where: { tenantId: parsed.tenantId }, create: { tenantId: parsed.tenantId, ...row }, update: row });
  return { tenantId: parsed.tenantId, dunning, trialEndWithoutPaymentMethod };
}
