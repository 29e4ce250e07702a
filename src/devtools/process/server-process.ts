import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reaper } from './reaper-client.js';

export interface ServerProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Server output goes here rather than to the terminal; a failed start quotes its tail. */
  logFile: string;
  reaper: Reaper;
  /** The signal that stops the server gracefully. */
  stopSignal?: 'SIGTERM' | 'SIGINT';
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
  /** Last lines written by the server, for error messages. */
  recentOutput(): string;
}

/** Starts a long-running server as a child, logged to a file and registered with the reaper. */
export function startServerProcess(options: ServerProcessOptions): ServerProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only us, and we stop servers in order
    // (worker and API first, then Temporal, then PostgreSQL).
    detached: true,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
  });
  if (child.pid === undefined) throw new Error(`${options.name} could not be started (${options.command})`);
  const pid = child.pid;
  const stopSignal = options.stopSignal ?? 'SIGTERM';
  options.reaper.register(pid, stopSignal);

  let tail = '';
  const record = (chunk: Buffer): void => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);

  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      tail += `\n${error.message}`;
      resolve(null);
    });
    child.once('exit', (code) => {
      options.reaper.unregister(pid);
      log.end();
      resolve(code);
    });
  });

  return {
    name: options.name,
    pid,
    exited,
    recentOutput: () => tail,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
