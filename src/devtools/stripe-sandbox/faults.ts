import { z } from 'zod';
import type { Random } from './seeded-random.js';
import type { SandboxFaultKind, SandboxFaults } from './types.js';

const rate = z.number().min(0).max(1);

export const faultsSchema = z
  .object({
    rateLimitRate: rate.optional(),
    serverErrorRate: rate.optional(),
    dropAfterCommitRate: rate.optional(),
    slowRate: rate.optional(),
    slowMs: z.number().int().min(0).max(60_000).optional(),
    paths: z.array(z.string().startsWith('/')).optional(),
  })
  .strict()
  .refine(
    (f) => (f.rateLimitRate ?? 0) + (f.serverErrorRate ?? 0) + (f.dropAfterCommitRate ?? 0) + (f.slowRate ?? 0) <= 1 + 1e-9,
    { message: 'rateLimitRate + serverErrorRate + dropAfterCommitRate + slowRate must not exceed 1: they are exclusive outcomes' },
  );

export const faultKindSchema = z.enum(['rate_limit', 'server_error', 'drop_after_commit', 'slow', 'invalid_request']);

const DEFAULT_SLOW_MS = 1000;

interface OneShotFault {
  kind: SandboxFaultKind;
  pathPrefix: string;
  remaining: number;
}

/**
 * Decides which fault, if any, hits a request. One-shot faults queued with `failNext` come first,
 * in order; otherwise one seeded draw per eligible request picks among the configured rates, so a
 * seed and a request sequence always give the same faults.
 */
export class FaultInjector {
  private faults: SandboxFaults = {};
  private readonly oneShots: OneShotFault[] = [];

  constructor(
    private random: Random,
    faults: SandboxFaults,
  ) {
    this.configure(faults);
  }

  configure(faults: SandboxFaults): void {
    this.faults = faultsSchema.parse(faults);
  }

  failNext(kind: SandboxFaultKind, pathPrefix = '/v1/', count = 1): void {
    faultKindSchema.parse(kind);
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
    if (!pathPrefix.startsWith('/')) throw new Error(`pathPrefix must start with '/', got ${pathPrefix}`);
    this.oneShots.push({ kind, pathPrefix, remaining: count });
  }

  get slowMs(): number {
    return this.faults.slowMs ?? DEFAULT_SLOW_MS;
  }

  /** Faults apply to Stripe API POSTs only: reads are never faulted. */
  draw(method: string, path: string): SandboxFaultKind | null {
    if (method !== 'POST' || !path.startsWith('/v1/')) return null;
    const oneShot = this.oneShots.find((f) => path.startsWith(f.pathPrefix));
    if (oneShot) {
      oneShot.remaining -= 1;
      if (oneShot.remaining === 0) this.oneShots.splice(this.oneShots.indexOf(oneShot), 1);
      return oneShot.kind;
    }
    const paths = this.faults.paths ?? ['/v1/'];
    if (!paths.some((prefix) => path.startsWith(prefix))) return null;
    let threshold = this.random();
    const outcomes: [SandboxFaultKind, number | undefined][] = [
      ['rate_limit', this.faults.rateLimitRate],
      ['server_error', this.faults.serverErrorRate],
      ['drop_after_commit', this.faults.dropAfterCommitRate],
      ['slow', this.faults.slowRate],
    ];
    for (const [kind, probability] of outcomes) {
      threshold -= probability ?? 0;
      if (threshold < 0) return kind;
    }
    return null;
  }

  reset(random: Random, faults: SandboxFaults): void {
    this.random = random;
    this.oneShots.length = 0;
    this.configure(faults);
  }
}
