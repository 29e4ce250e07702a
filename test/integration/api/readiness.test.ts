import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { databaseReadiness, temporalReadiness } from '../../../src/api/readiness.js';
import { createPrismaClient } from '../../../src/db/prisma-client.js';
import { freePort } from '../../../src/devtools/process/free-port.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

let db: TestDatabase;
let deadTemporal: Connection;
beforeAll(async () => {
  db = await createTestDatabase();
  // Nothing listens on a port that was just free: Temporal is unreachable.
  deadTemporal = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 });
});
afterAll(async () => {
  await deadTemporal.close();
  await db.drop();
});

describe('GET /health/ready against real dependencies', () => {
  it('reports a reachable database as up and an unreachable Temporal as down (503)', async () => {
    const app = createApp({ readinessChecks: [databaseReadiness(db.prisma), temporalReadiness(deadTemporal)] });
    const response = await app.request('/health/ready');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { checks: Record<string, { status: string }> };
    expect(body.checks.database?.status).toBe('up');
    expect(body.checks.temporal?.status).toBe('down');
  });

  it('reports an unreachable database as down, naming it', async () => {
    const unreachable = createPrismaClient(`postgresql://nobody:nothing@127.0.0.1:${await freePort()}/none`);
    const app = createApp({ readinessChecks: [databaseReadiness(unreachable)] });
    const response = await app.request('/health/ready');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; checks: Record<string, { status: string; error?: string }> };
    expect(body.status).toBe('unavailable');
    expect(body.checks.database?.status).toBe('down');
    expect(body.checks.database?.error).toMatch(/Can't reach database server at 127\.0\.0\.1:\d+/);
    await unreachable.$disconnect();
  });
});
