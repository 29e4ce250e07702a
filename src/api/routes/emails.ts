import { createRoute, z } from '@hono/zod-openapi';
import { emailNotificationViewSchema, emailTemplateViewSchema } from '../../billing/notifications/email-template-views.js';
import { listEmailNotifications } from '../../billing/notifications/list-email-notifications.js';
import { listEmailTemplates } from '../../billing/notifications/list-email-templates.js';
import { resetEmailTemplate, saveEmailTemplate } from '../../billing/notifications/save-email-template.js';
import { EMAIL_KIND_NAMES } from '../../billing/notifications/email-kinds.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { saveEmailTemplateBody } from '../schemas/outbound.js';
import { billingRouter, commonErrors, completeList, jsonBody, listEnvelope, ok, pageQueryShape, pageSchema } from './router.js';

const tags = ['emails'];

const kindParam = z.strictObject({
  kind: z.enum(EMAIL_KIND_NAMES as [string, ...string[]]).openapi({ param: { name: 'kind', in: 'path' } }),
});

const notificationsQuery = z.strictObject({
  customerId: z.string().min(1).max(200).optional(),
  eventId: z.string().min(1).max(200).optional(),
  status: z.enum(['pending', 'sent', 'failed', 'skipped']).optional(),
  ...pageQueryShape,
});

const routes = {
  listTemplates: createRoute({
    method: 'get',
    path: '/v1/email-templates',
    tags,
    summary: 'Every customer email: the tenant\'s own template or the default, and whether it is sent',
    responses: { 200: ok(pageSchema(emailTemplateViewSchema, 'EmailTemplateList'), 'One per kind'), ...commonErrors },
  }),
  saveTemplate: createRoute({
    method: 'put',
    path: '/v1/email-templates/{kind}',
    tags,
    summary: 'Save the tenant\'s own template for one email (Handlebars), or turn it off',
    request: { params: kindParam, body: jsonBody(saveEmailTemplateBody) },
    responses: { 200: ok(emailTemplateViewSchema, 'The template'), ...commonErrors },
  }),
  resetTemplate: createRoute({
    method: 'delete',
    path: '/v1/email-templates/{kind}',
    tags,
    summary: 'Back to the default template (sent)',
    request: { params: kindParam },
    responses: { 200: ok(emailTemplateViewSchema, 'The default'), ...commonErrors },
  }),
  listNotifications: createRoute({
    method: 'get',
    path: '/v1/email-notifications',
    tags,
    summary: 'Every customer email, newest first: sent, pending, failed or skipped (and why)',
    request: { query: notificationsQuery },
    responses: { 200: ok(pageSchema(emailNotificationViewSchema, 'EmailNotificationList'), 'One page'), ...commonErrors },
  }),
};

export function emailRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  app.openapi(routes.listTemplates, async (c) => c.json(completeList(await listEmailTemplates(deps.prisma, { tenantId: c.get('principal').tenantId })), 200));
  app.openapi(routes.saveTemplate, async (c) => c.json(await saveEmailTemplate(deps.prisma, { tenantId: c.get('principal').tenantId, kind: c.req.valid('param').kind as never, ...c.req.valid('json') }), 200));
  app.openapi(routes.resetTemplate, async (c) => c.json(await resetEmailTemplate(deps.prisma, { tenantId: c.get('principal').tenantId, kind: c.req.valid('param').kind }), 200));
  app.openapi(routes.listNotifications, async (c) => c.json(listEnvelope(await listEmailNotifications(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200));
  return app;
}
