import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { pageInputShape, pageQuery, toPage, type Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toEmailNotificationView, type EmailNotificationView } from './email-template-views.js';

const listInput = z.object({
  tenantId: idSchema,
  customerId: z.string().min(1).optional(),
  eventId: z.string().min(1).optional(),
  status: z.enum(['pending', 'sent', 'failed', 'skipped']).optional(),
  ...pageInputShape,
});

/** Every email the tenant's events sent (or skipped, and why), newest first. */
export async function listEmailNotifications(prisma: Db, input: z.input<typeof listInput>): Promise<Page<EmailNotificationView>> {
  const { tenantId, customerId, eventId, status, ...page } = parseInput(listInput, input);
  const query = pageQuery(page);
  const where: Prisma.EmailNotificationWhereInput = {
    tenantId,
    ...(customerId === undefined ? {} : { customerId }),
    ...(eventId === undefined ? {} : { eventId }),
    ...(status === undefined ? {} : { status }),
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  return toPage(await prisma.emailNotification.findMany({ where, orderBy: query.orderBy, take: query.take }), page, toEmailNotificationView);
}
