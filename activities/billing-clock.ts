import { Context } from '@temporalio/activity';

/**
 * "Now" for the timestamps activities write (invoice created, finalized, paid…): the time the
 * Temporal server scheduled this attempt. In production that is the wall clock give or take
 * queueing; under the time-skipping test server and the scenario simulator it is the simulated
 * billing clock, so every row carries the time the workflow acted at, not when a test ran.
 */
export function billingClock(): number {
  try {
    return Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    return Date.now(); // called outside an activity (a direct call in a test or a script)
  }
}
