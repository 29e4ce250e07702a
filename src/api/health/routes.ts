import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';

/** A dependency the API needs to serve traffic; `check` throws when it is unreachable. */
export interface ReadinessCheck {
  name: 'database' | 'temporal';
  check: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

const componentStatus = z.object({
  status: z.enum(['up', 'down']),
  error: z.string().optional(),
});

const readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.record(z.string(), componentStatus),
  })
  .openapi('Readiness');

const liveRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['health'],
  security: [],
  summary: 'Liveness: the process is up and serving HTTP',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/health/ready',
  tags: ['health'],
  security: [],
  summary: 'Readiness: PostgreSQL and Temporal are reachable',
  responses: {
    200: { description: 'Every dependency is reachable', content: { 'application/json': { schema: readiness } } },
    503: { description: 'A dependency is unreachable; `checks` names it', content: { 'application/json': { schema: readiness } } },
  },
});

async function runCheck(check: ReadinessCheck): Promise<z.infer<typeof componentStatus>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: summarise(error) };
  } finally {
    clearTimeout(timer);
  }
}

// Prisma's messages open with blank lines and a call site; the last non-empty line says what happened.
function summarise(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.at(-1) ?? (error instanceof Error ? error.name : 'unknown error');
}

export function healthRoutes(checks: readonly ReadinessCheck[]): OpenAPIHono {
  const app = new OpenAPIHono();
  app.openapi(liveRoute, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyRoute, async (c) => {
    const results = await Promise.all(checks.map(async (check) => [check.name, await runCheck(check)] as const));
    const ready = results.every(([, result]) => result.status === 'up');
    const body = { status: ready ? ('ready' as const) : ('unavailable' as const), checks: Object.fromEntries(results) };
    return ready ? c.json(body, 200) : c.json(body, 503);
  });
  return app;
}
