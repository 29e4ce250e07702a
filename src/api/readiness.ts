import type { Connection } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma-client.js';
import type { ReadinessCheck } from './health/routes.js';

export function databaseReadiness(prisma: PrismaClient): ReadinessCheck {
  return { name: 'database', check: async () => void (await prisma.$queryRaw`SELECT 1`) };
}

export function temporalReadiness(connection: Connection): ReadinessCheck {
  return {
    name: 'temporal',
    check: async () => {
      await connection.ensureConnected();
      await connection.workflowService.getSystemInfo({});
    },
  };
}
