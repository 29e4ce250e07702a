/**
 * The reaper is a tiny detached watchdog. Its parent writes `<pid>` lines to its stdin for every
 * server it starts. When that pipe closes — the parent exited, crashed or was SIGKILLed, the
 * kernel closes the pipe in every case — the reaper terminates every registered process that is
 * still alive. This is what guarantees that a crashed `npm start` or test run leaves no
 * PostgreSQL or Temporal server behind: Node has no PR_SET_PDEATHSIG.
 *
 * Run as a plain .js-compatible module (no imports) so it starts in a few milliseconds.
 */
// pid → the signal that stops that server gracefully (PostgreSQL: SIGINT, its "fast" shutdown).
const registered = new Map<number, NodeJS.Signals>();
let buffered = '';

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop() ?? '';
  for (const line of lines) {
    const [verb, value, signal] = line.trim().split(/\s+/);
    const pid = Number(value);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (verb === 'add') registered.set(pid, signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
    if (verb === 'remove') registered.delete(pid);
  }
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

process.stdin.on('end', () => {
  const victims = [...registered.keys()].filter(isAlive);
  for (const pid of victims) {
    try {
      process.kill(pid, registered.get(pid));
    } catch {
      // Already gone.
    }
  }
  // Servers get a grace period to stop cleanly (PostgreSQL checkpoints), then are killed.
  const deadline = Date.now() + 10_000;
  const timer = setInterval(() => {
    const alive = victims.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) {
      for (const pid of alive) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      clearInterval(timer);
      process.exit(0);
    }
  }, 100);
});

// The reaper must outlive the signals that stop its parent's process group (Ctrl-C).
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
