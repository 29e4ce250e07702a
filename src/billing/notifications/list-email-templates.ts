import { z } from 'zod';
import type { EmailTemplate } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { idSchema, parseInput } from '../validation.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import { EMAIL_KIND_NAMES, EMAIL_KINDS, type EmailKind } from './email-kinds.js';
import type { EmailTemplateView } from './email-template-views.js';

export function toEmailTemplateView(kind: EmailKind, own: EmailTemplate | null): EmailTemplateView {
  const source = own ?? DEFAULT_TEMPLATES[kind];
  return {
    object: 'email_template',
    kind,
    event: EMAIL_KINDS[kind].event,
    description: EMAIL_KINDS[kind].description,
    source: own === null ? 'default' : 'tenant',
    enabled: own?.enabled ?? true,
    subject: source.subject,
    text: source.text,
    html: source.html,
    updatedAt: own?.updatedAt.toISOString() ?? null,
  };
}

/** Every email the tenant sends: its own template where it saved one, the default otherwise. */
export async function listEmailTemplates(prisma: Db, input: { tenantId: string }): Promise<EmailTemplateView[]> {
  const { tenantId } = parseInput(z.object({ tenantId: idSchema }), input);
  const own = new Map((await prisma.emailTemplate.findMany({ where: { tenantId } })).map((row) => [row.kind, row]));
  return EMAIL_KIND_NAMES.map((kind) => toEmailTemplateView(kind, own.get(kind) ?? null));
}
