import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Handle on the detached watchdog process described in reaper.ts. */
export interface Reaper {
  /** `stopSignal` is what stops this server gracefully; SIGTERM unless said otherwise. */
  register(pid: number, stopSignal?: 'SIGTERM' | 'SIGINT'): void;
  unregister(pid: number): void;
  /** Call after stopping every server yourself; the reaper then exits without killing anything. */
  close(): void;
}

const reaperEntry = fileURLToPath(new URL('./reaper.ts', import.meta.url));

export function startReaper(): Reaper {
  const child = spawn(process.execPath, ['--import', 'tsx', reaperEntry], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.unref();
  const stdin = child.stdin;
  if (!stdin) throw new Error('the process reaper could not be started');
  // The pipe must not keep this process alive on its own.
  (stdin as unknown as { unref?: () => void }).unref?.();
  stdin.on('error', () => undefined);
  let closed = false;
  const send = (line: string): void => {
    if (!closed) stdin.write(`${line}\n`);
  };
  return {
    register: (pid, stopSignal = 'SIGTERM') => send(`add ${pid} ${stopSignal}`),
    unregister: (pid) => send(`remove ${pid}`),
    close() {
      if (closed) return;
      closed = true;
      stdin.end();
    },
  };
}
