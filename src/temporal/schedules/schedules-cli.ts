import { Client, Connection, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { z } from 'zod';
import { loadConfigOrExit, temporalConfigShape } from '../../config/index.js';
import { SCHEDULES, scheduleDeclaration } from './schedule-declarations.js';

// `npm run schedules -- <command>`: a thin CLI over the Temporal client for the project's
// schedules (the same operations as the Temporal UI's Schedules page).
const USAGE = `usage: npm run schedules -- <command>
  list                                   every declared schedule: spec, paused, last and next run
  describe <id>                          one schedule in full, with its last run's result
  trigger <id>                           run it now (the run stands for the current time)
  pause <id> [note…] | unpause <id> [note…]
  backfill <id> --from <ISO time> --to <ISO time>   take the runs missed in [from, to) (times already done are skipped)`;

function specText(id: string): string {
  const { spec, jitter } = scheduleDeclaration(id);
  return 'cron' in spec ? `cron "${spec.cron}" (UTC), jitter ${jitter}` : `every ${spec.every}${spec.offset ? ` at +${spec.offset}` : ''}, jitter ${jitter}`;
}

async function lastResult(client: Client, description: ScheduleDescription): Promise<unknown> {
  const last = description.info.recentActions.at(-1);
  if (!last) return null;
  const { workflowId, firstExecutionRunId } = last.action.workflow;
  const handle = client.workflow.getHandle(workflowId, firstExecutionRunId);
  const status = (await handle.describe()).status.name;
  const result: unknown = status === 'COMPLETED' ? await handle.result() : null;
  return { workflowId, scheduledAt: last.scheduledAt.toISOString(), status, result };
}

function instant(flag: string, value: string | undefined): Date {
  const at = value === undefined ? Number.NaN : Date.parse(value);
  if (Number.isNaN(at)) throw new Error(`${flag} needs an ISO 8601 time, e.g. 2026-12-01T00:00:00Z`);
  return new Date(at);
}

async function run(client: Client, [command, id, ...rest]: string[]): Promise<void> {
  const handleOf = (scheduleId: string | undefined) => {
    if (!scheduleId) throw new Error(`${command} needs a schedule id (${SCHEDULES.map((s) => s.id).join(', ')})`);
    scheduleDeclaration(scheduleId);
    return client.schedule.getHandle(scheduleId);
  };
  switch (command) {
    case 'list':
      for (const declaration of SCHEDULES) {
        try {
          const d = await client.schedule.getHandle(declaration.id).describe();
          const last = d.info.recentActions.at(-1)?.scheduledAt.toISOString() ?? 'never';
          console.log(`${declaration.id.padEnd(32)} ${d.state.paused ? 'PAUSED ' : 'active '} ${specText(declaration.id)}; last ${last}; next ${d.info.nextActionTimes[0]?.toISOString() ?? '-'}`);
        } catch (error) {
          if (!(error instanceof ScheduleNotFoundError)) throw error;
          console.log(`${declaration.id.padEnd(32)} MISSING  (npm start, npm run temporal:setup or a worker's start creates it)`);
        }
      }
      return;
    case 'describe': {
      const handle = handleOf(id);
      const d = await handle.describe();
      console.log(
        JSON.stringify(
          {
            id: d.scheduleId,
            workflowType: d.action.type === 'startWorkflow' ? d.action.workflowType : null,
            spec: specText(d.scheduleId),
            paused: d.state.paused,
            note: d.state.note ?? null,
            overlap: d.policies.overlap,
            catchupWindowMs: d.policies.catchupWindow,
            actionsTaken: d.info.numActionsTaken,
            recentRuns: d.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), workflowId: a.action.workflow.workflowId })),
            nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
            lastRun: await lastResult(client, d),
          },
          null,
          2,
        ),
      );
      return;
    }
    case 'trigger':
      await handleOf(id).trigger();
      console.log(`triggered ${id}`);
      return;
    case 'pause':
      await handleOf(id).pause(rest.join(' ') || 'paused from npm run schedules');
      console.log(`paused ${id}`);
      return;
    case 'unpause':
      await handleOf(id).unpause(rest.join(' ') || 'unpaused from npm run schedules');
      console.log(`unpaused ${id}`);
      return;
    case 'backfill': {
      const from = instant('--from', rest[rest.indexOf('--from') + 1]);
      const to = instant('--to', rest[rest.indexOf('--to') + 1]);
      if (!(to > from)) throw new Error('--to must be after --from');
      await handleOf(id).backfill({ start: from, end: to });
      console.log(`backfilling ${id} over [${from.toISOString()}, ${to.toISOString()})`);
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

const config = loadConfigOrExit(z.object(temporalConfigShape));
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
try {
  await run(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  await connection.close();
}
