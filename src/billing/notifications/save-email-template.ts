import { z } from 'zod';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import { EMAIL_KIND_NAMES, type EmailKind } from './email-kinds.js';
import { assertTemplateCompiles } from './email-template-engine.js';
import type { EmailTemplateView } from './email-template-views.js';
import { toEmailTemplateView } from './list-email-templates.js';

const kindSchema = z.enum(EMAIL_KIND_NAMES as [EmailKind, ...EmailKind[]]);

const saveInput = z.object({
  tenantId: idSchema,
  kind: kindSchema,
  subject: z.string().trim().min(1).max(500).optional(),
  text: z.string().min(1).max(50_000).optional(),
  html: z.string().min(1).max(200_000).optional(),
  enabled: z.boolean().optional(),
});

/** A context with every variable set, so a template is compiled and run once before it is saved. */
const SAMPLE = {
  tenant: { name: 'Tenant' },
  customer: { name: 'Customer', email: 'customer@example.com', hasPaymentMethod: true },
  invoice: { number: 'INV-000001', amountDue: '10.00 USD', total: '10.00 USD', url: 'https://example.com/i', willBeCharged: true },
  payment: { amount: '10.00 USD', reason: 'declined', nextRetryAt: '1 January 2027', paidAt: '1 January 2027' },
  subscription: { trialEnd: '1 January 2027', renewsAt: '1 January 2027', endedAt: '1 January 2027', items: [{ name: 'Plan', quantity: 1 }] },
};

/**
 * Saves the tenant's version of one email (a part left out keeps its current text — the default's
 * for a first save), or turns it off (`enabled: false`). Refused unless every part compiles.
 */
export async function saveEmailTemplate(prisma: Db, input: z.input<typeof saveInput>): Promise<EmailTemplateView> {
  const { tenantId, kind, ...given } = parseInput(saveInput, input);
  const current = (await prisma.emailTemplate.findUnique({ where: { tenantId_kind: { tenantId, kind } } })) ?? { ...DEFAULT_TEMPLATES[kind], enabled: true };
  const next = { subject: given.subject ?? current.subject, text: given.text ?? current.text, html: given.html ?? current.html, enabled: given.enabled ?? current.enabled };
  assertTemplateCompiles(next, SAMPLE);
  const row = await prisma.emailTemplate.upsert({ where: { tenantId_kind: { tenantId, kind } }, create: { tenantId, kind, ...next }, update: next });
  return toEmailTemplateView(kind, row);
}

/** Back to the default (and enabled). */
export async function resetEmailTemplate(prisma: Db, input: { tenantId: string; kind: string }): Promise<EmailTemplateView> {
  const { tenantId, kind } = parseInput(z.object({ tenantId: idSchema, kind: kindSchema }), input);
  await prisma.emailTemplate.deleteMany({ where: { tenantId, kind } });
  return toEmailTemplateView(kind, null);
}
