import { z } from '@hono/zod-openapi';

const role = z.enum(['admin', 'billing', 'support', 'read_only']).openapi({
  description: 'admin: everything; billing: everything but API keys and tenant settings; support: read, pay, void, pause, resume; read_only: read',
});

export const createApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).openapi({ example: 'checkout service' }),
    role,
  })
  .openapi('CreateApiKey');

export const rotateApiKeyBody = z
  .strictObject({
    expiresInSeconds: z
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional()
      .openapi({ description: 'How long the old key keeps working, up to 7 days; 0 (default): it stops at once' }),
  })
  .openapi('RotateApiKey');

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');
export const listApiKeysQuery = z.strictObject({
  role: role.optional(),
  live: booleanQuery.optional().openapi({ description: 'true: only keys that still authenticate' }),
});
