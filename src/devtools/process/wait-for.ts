/**
 * Polls `probe` until it returns true, the deadline passes, or the server process exits (then
 * there is no point waiting). Probe errors count as "not yet".
 */
export async function waitFor(
  what: string,
  timeoutMs: number,
  exited: Promise<unknown> | undefined,
  probe: () => Promise<boolean>,
): Promise<void> {
  let hasExited = false;
  void exited?.then(() => (hasExited = true));
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`${what} exited before it became ready`);
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000}s${lastError ? ` (last error: ${lastError})` : ''}`);
}
