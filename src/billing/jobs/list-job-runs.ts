import type { PrismaClient } from '../../db/prisma-client.js';

export interface JobRunView {
  job: string;
  scheduledAt: string;
  status: string;
  workflowId: string;
  runId: string;
  result: unknown;
  startedAt: string;
  completedAt: string | null;
}

/** The latest runs of a job (or of every job), newest scheduled time first. */
export async function listJobRuns(prisma: PrismaClient, input: { job?: string; limit?: number }): Promise<JobRunView[]> {
  const rows = await prisma.jobRun.findMany({
    where: input.job === undefined ? {} : { job: input.job },
    orderBy: [{ scheduledAt: 'desc' }],
    take: input.limit ?? 10,
  });
  return rows.map((row) => ({
    job: row.job,
    scheduledAt: row.scheduledAt.toISOString(),
    status: row.status,
    workflowId: row.workflowId,
    runId: row.runId,
    result: row.result,
    startedAt: row.startedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  }));
}
