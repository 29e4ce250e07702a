import type { PrismaClient } from '../../db/prisma-client.js';
import { toJson } from '../db.js';
import type { JobRunKey } from './begin-job-run.js';

/**
 * Records what the run reported. `completed` is final (a later run of the same time finds it and
 * repeats nothing); a `failed` run may be run again (by a backfill or a trigger of that time).
 */
export async function completeJobRun(prisma: PrismaClient, input: JobRunKey & { status: 'completed' | 'failed'; result: unknown; now: Date }): Promise<void> {
  await prisma.jobRun.updateMany({
    where: { job: input.job, scheduledAt: new Date(input.scheduledAt), status: { in: ['running', 'failed'] } },
    data: { status: input.status, result: toJson(input.result), completedAt: input.now },
  });
}
