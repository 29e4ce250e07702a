import { createHash } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleSpec } from '@temporalio/client';
import { SCHEDULES, type ScheduleDeclaration } from './schedule-declarations.js';

/** Every schedule this project owns has an id with this prefix; others on the namespace are left alone. */
export const OWNED_SCHEDULE_PREFIX = 'billing-';
/**
 * The declaration a schedule was last written from, kept in its action's memo (a schedule's own
 * memo cannot be updated): a start-up compares it and updates only what changed.
 */
const FINGERPRINT_MEMO = 'scheduleDeclaration';

export type EnsureOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';

export function declarationFingerprint(declaration: ScheduleDeclaration, taskQueue: string): string {
  return createHash('sha256').update(JSON.stringify({ ...declaration, taskQueue })).digest('hex').slice(0, 16);
}

function specOf(declaration: ScheduleDeclaration): ScheduleSpec {
  const { spec, jitter } = declaration;
  return 'cron' in spec ? { cronExpressions: [spec.cron], jitter } : { intervals: [{ every: spec.every, ...(spec.offset ? { offset: spec.offset } : {}) }], jitter };
}

function actionOf(declaration: ScheduleDeclaration, taskQueue: string) {
  return {
    type: 'startWorkflow' as const,
    workflowType: declaration.workflowType,
    // Temporal appends the scheduled time: "billing-retention-2026-12-02T03:30:00Z".
    workflowId: declaration.id,
    taskQueue,
    args: [],
    workflowRunTimeout: declaration.runTimeout,
    staticSummary: declaration.description,
    memo: { [FINGERPRINT_MEMO]: declarationFingerprint(declaration, taskQueue) },
  };
}

function policiesOf(declaration: ScheduleDeclaration) {
  return { overlap: declaration.overlap, catchupWindow: declaration.catchupWindow, pauseOnFailure: false };
}

function writtenFingerprint(description: ScheduleDescription): unknown {
  return description.action.type === 'startWorkflow' ? description.action.memo?.[FINGERPRINT_MEMO] : undefined;
}

async function describeOrNull(client: Client, id: string): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

/**
 * Creates each declared schedule that is missing and updates each whose declaration changed
 * (keeping whether an operator paused it), so any number of processes may run it at start-up at
 * once: a create that loses the race finds the schedule and compares it instead. Schedules with
 * the project's prefix that are no longer declared are deleted.
 */
export async function ensureSchedules(client: Client, taskQueue: string, declarations: readonly ScheduleDeclaration[] = SCHEDULES): Promise<Array<{ id: string; outcome: EnsureOutcome }>> {
  const outcomes: Array<{ id: string; outcome: EnsureOutcome }> = [];
  for (const declaration of declarations) {
    let current = await describeOrNull(client, declaration.id);
    if (current === null) {
      try {
        await client.schedule.create({
          scheduleId: declaration.id,
          spec: specOf(declaration),
          action: actionOf(declaration, taskQueue),
          policies: policiesOf(declaration),
          state: { note: declaration.description },
        });
        outcomes.push({ id: declaration.id, outcome: 'created' });
        continue;
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
        current = await describeOrNull(client, declaration.id);
        if (current === null) throw error;
      }
    }
    if (writtenFingerprint(current) === declarationFingerprint(declaration, taskQueue)) {
      outcomes.push({ id: declaration.id, outcome: 'unchanged' });
      continue;
    }
    await client.schedule.getHandle(declaration.id).update((previous) => ({
      spec: specOf(declaration),
      action: actionOf(declaration, taskQueue),
      policies: policiesOf(declaration),
      state: { paused: previous.state.paused, note: previous.state.note ?? declaration.description },
    }));
    outcomes.push({ id: declaration.id, outcome: 'updated' });
  }
  const declared = new Set(declarations.map((declaration) => declaration.id));
  for await (const summary of client.schedule.list()) {
    if (!summary.scheduleId.startsWith(OWNED_SCHEDULE_PREFIX) || declared.has(summary.scheduleId)) continue;
    await client.schedule.getHandle(summary.scheduleId).delete();
    outcomes.push({ id: summary.scheduleId, outcome: 'deleted' });
  }
  return outcomes;
}

/** One line for a start-up log: "schedules: 5 unchanged" / "schedules: created billing-retention; 4 unchanged". */
export function summariseEnsured(outcomes: ReadonlyArray<{ id: string; outcome: EnsureOutcome }>): string {
  const changed = outcomes.filter((o) => o.outcome !== 'unchanged').map((o) => `${o.outcome} ${o.id}`);
  const unchanged = outcomes.length - changed.length;
  return `schedules: ${[...changed, ...(unchanged > 0 ? [`${unchanged} unchanged`] : [])].join('; ') || 'none declared'}`;
}
