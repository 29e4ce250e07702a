/**
 * Instants the workflow records are derived from what was scheduled (a period end, a retry time)
 * or requested, never from the moment processing happened to run. A requested instant is the
 * workflow clock when the request arrived, rounded down to the whole second as Stripe does, so
 * proration split points, cancel and resume instants carry no milliseconds of queueing noise.
 */
export function requestedInstant(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

