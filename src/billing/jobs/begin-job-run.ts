import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';

export interface JobRunKey {
  /** The schedule's id (or a job name for runs started by hand). */
  job: string;
  /** The time the run was scheduled for (TemporalScheduledStartTime), epoch ms. */
  scheduledAt: number;
}

export type BeginJobRunResult = { status: 'begun' } | { status: 'completed'; result: Prisma.JsonValue; workflowId: string };

/**
 * Claims the run of `job` for its scheduled time. A run already completed for that time (a
 * backfill over hours already done, a retried trigger) answers `completed` with what it reported,
 * and the caller does nothing again; a run left `running` by a workflow that died, or `failed`,
 * is taken over and run again.
 */
export async function beginJobRun(prisma: PrismaClient, input: JobRunKey & { workflowId: string; runId: string }): Promise<BeginJobRunResult> {
  const scheduledAt = new Date(input.scheduledAt);
  await prisma.jobRun.createMany({
    data: [{ job: input.job, scheduledAt, status: 'running', workflowId: input.workflowId, runId: input.runId }],
    skipDuplicates: true,
  });
  const row = await prisma.jobRun.findUniqueOrThrow({ where: { job_scheduledAt: { job: input.job, scheduledAt } } });
  if (row.status === 'completed') return { status: 'completed', result: row.result, workflowId: row.workflowId };
  if (row.runId !== input.runId || row.status !== 'running') {
    await prisma.jobRun.update({ where: { job_scheduledAt: { job: input.job, scheduledAt } }, data: { status: 'running', workflowId: input.workflowId, runId: input.runId, startedAt: new Date() } });
  }
  return { status: 'begun' };
}
