import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time used by a process tree, read from /proc (Linux): the process itself, the children it
 * has reaped (cutime/cstime: PostgreSQL backends that have exited) and its live children. On a
 * shared, noisy machine a phase's throughput swings with the neighbours, while the CPU each event
 * costs does not: the benchmark reports both.
 */
const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the project runs on

export interface ProcStat {
  /** The command name (`postgres`, `temporal`, `node`). */
  comm: string;
  ppid: number;
  /** Ticks of CPU the process itself used (user + system). */
  own: number;
  /** Ticks of the children it has reaped. */
  reaped: number;
}

export function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (n: number): number => Number(fields[n - 3]);
    return { comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), ppid: field(4), own: field(14) + field(15), reaped: field(16) + field(17) };
  } catch {
    return null;
  }
}

/** The live children of `pid`. */
export function childrenOf(pid: number): Array<{ pid: number } & ProcStat> {
  const children: Array<{ pid: number } & ProcStat> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = readStat(Number(entry));
    if (child !== null && child.ppid === pid) children.push({ pid: Number(entry), ...child });
  }
  return children;
}

/** Seconds of CPU the process `pid` used itself (without its children); null where /proc is not there. */
export function ownCpuSecondsOf(pid: number): number | null {
  const stat = readStat(pid);
  return stat === null ? null : stat.own / TICKS_PER_SECOND;
}

/** Seconds of CPU the tree rooted at `pid` has used so far; null where /proc is not there. */
export function treeCpuSeconds(pid: number): number | null {
  const root = readStat(pid);
  if (root === null) return null;
  let ticks = root.own + root.reaped;
  for (const child of childrenOf(pid)) ticks += child.own;
  return ticks / TICKS_PER_SECOND;
}

/** The bench process's own CPU seconds (load generator included). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** CPU per item of work across the box, in µs: the API process, PostgreSQL (all backends) and the load generator. */
export interface CpuPerItem {
  api: number;
  postgres: number;
  bench: number;
}

/** Starts a CPU account of the API and PostgreSQL process trees and this process; `perItem(n)` closes it. */
export function cpuAccount(pids: { apiPid: number; postgresPid: number }): { perItem(items: number): CpuPerItem | null } {
  const read = () => ({ api: treeCpuSeconds(pids.apiPid), postgres: treeCpuSeconds(pids.postgresPid), bench: ownCpuSeconds() });
  const start = read();
  return {
    perItem(items) {
      const end = read();
      if (start.api === null || start.postgres === null || end.api === null || end.postgres === null || items <= 0) return null;
      const us = (seconds: number) => (seconds * 1e6) / items;
      return { api: us(end.api - start.api), postgres: us(end.postgres - start.postgres), bench: us(end.bench - start.bench) };
    },
  };
}

/**
 * Waits until the API and PostgreSQL are idle (under 5% of a core each over a quarter second), at
 * most `timeoutMs`. A phase that stops its clients leaves the requests in flight, and the work they
 * cause, running on the server; without this, the next phase would pay for them.
 */
export function waitForQuiet(pids: { apiPid: number; postgresPid: number }, timeoutMs = 60_000): Promise<void> {
  return untilIdle(() => [treeCpuSeconds(pids.apiPid), treeCpuSeconds(pids.postgresPid)], 250, timeoutMs);
}

/**
 * Waits until every process `read` accounts for (CPU seconds so far, null where unknown) uses under
 * 5% of a core over `windowMs`, at most `timeoutMs`.
 */
export async function untilIdle(read: () => ReadonlyArray<number | null> | null, windowMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = read();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = read();
    if (before === null || after === null || [...before, ...after].some((v) => v === null)) return; // no /proc: nothing to wait on
    if (after.every((v, i) => (v! - before[i]!) / (windowMs / 1000) < 0.05)) return;
  }
}
