import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, truncateSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { rename, writeFile } from 'node:fs/promises';
import type { StoredResponse } from './idempotency.js';
import { RECORD_COLLECTIONS, type RecordCollection, type SandboxStateSnapshot, type StateChanges } from './state.js';
import { loadStateFile, saveStateFile, stateFileText, temporaryPathOf, type SandboxStateFile } from './state-file.js';
import type { StripeEventShape } from './stripe-objects.js';

/**
 * The sandbox's persistence: a snapshot (the state file) plus an append-only journal beside it
 * (`<state file>.journal`, one JSON line per change). A request appends only what it changed — a
 * few records — so its cost does not grow with the sandbox's size, and the write is asynchronous
 * (the answer waits for it to reach the OS, so a `kill -9` right after the answer loses nothing;
 * the process never blocks on the disk). The journal is folded into a new snapshot when the
 * sandbox opens and, while it runs, when the journal outgrows the snapshot.
 *
 * Every line is keyed (record id, event id, idempotency key, webhook event id), and replay keeps the
 * last line per key, so replaying a journal over a snapshot that already holds it changes nothing —
 * which makes a crash at any point of a compaction safe. A torn last line (a crash mid-write) is
 * ignored: its request was never answered.
 */
type JournalLine =
  | { c: RecordCollection; id: string; v: unknown }
  | { c: 'event'; v: StripeEventShape }
  | { c: 'idempotency'; id: string; v: StoredResponse | null }
  | { c: 'webhook'; id: string; pending: boolean }
  | { c: 'reset' };

/** What a sandbox opens with: its state, stored answers, and the webhook deliveries still owed. */
export type SandboxStoreContents = Omit<SandboxStateFile, 'version'>;

const COMPACT_MIN_BYTES = 8 * 1024 * 1024;

export class SandboxJournal {
  private stream: WriteStream;
  private journalBytes = 0;
  private snapshotBytes: number;
  /** Appends wait for a running compaction (their changes come after its snapshot). */
  private compacting: Promise<void> | null = null;

  private constructor(
    private readonly statePath: string,
    private readonly contentsNow: () => SandboxStoreContents,
    private readonly compactAt: number,
  ) {
    this.snapshotBytes = existsSync(statePath) ? statSync(statePath).size : 0;
    mkdirSync(dirname(statePath), { recursive: true });
    this.stream = openJournal(statePath, 'a');
  }

  /**
   * Reads the snapshot and replays the journal; then, if the journal held anything, writes the
   * folded state as the new snapshot and empties the journal (at start-up, before serving).
   * `contentsNow` gives the live state for later compactions.
   */
  static open(statePath: string, contentsNow: () => SandboxStoreContents, compactAt = COMPACT_MIN_BYTES): { journal: SandboxJournal; contents: SandboxStoreContents | undefined } {
    const loaded = loadStateFile(statePath);
    const lines = readJournal(journalPath(statePath));
    const contents = lines.length === 0 ? loaded : replay(loaded, lines);
    if (lines.length > 0 && contents !== undefined) {
      saveStateFile(statePath, contents);
      truncateSync(journalPath(statePath), 0);
    }
    return { journal: new SandboxJournal(statePath, contentsNow, compactAt), contents };
  }

  /** Appends what one request changed; resolves once the OS has it. */
  async append(changes: StateChanges, idempotency: Array<{ key: string; value: StoredResponse | null }>, webhooks: Array<{ eventId: string; pending: boolean }> = []): Promise<void> {
    const lines: JournalLine[] = [
      ...changes.records.map(({ collection, id, value }): JournalLine => ({ c: collection, id, v: value })),
      ...changes.events.map((event): JournalLine => ({ c: 'event', v: event })),
      ...idempotency.map(({ key, value }): JournalLine => ({ c: 'idempotency', id: key, v: value })),
      ...webhooks.map(({ eventId, pending }): JournalLine => ({ c: 'webhook', id: eventId, pending })),
    ];
    if (lines.length === 0) return;
    await this.write(lines);
  }

  /** Everything before this line is gone (the control API's reset). */
  async reset(): Promise<void> {
    await this.write([{ c: 'reset' }]);
  }

  async close(): Promise<void> {
    await this.compacting;
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }

  private async write(lines: JournalLine[]): Promise<void> {
    while (this.compacting) await this.compacting;
    const text = `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
    this.journalBytes += Buffer.byteLength(text);
    await new Promise<void>((resolve, reject) => this.stream.write(text, (error) => (error ? reject(error) : resolve())));
    if (this.journalBytes > Math.max(this.compactAt, 2 * this.snapshotBytes)) this.compacting ??= this.compact();
  }

  /** Folds the journal into a new snapshot. Its text is taken at once; the writes are asynchronous. */
  private async compact(): Promise<void> {
    try {
      const text = stateFileText(this.contentsNow());
      const temporary = temporaryPathOf(this.statePath);
      await writeFile(temporary, text);
      await rename(temporary, this.statePath);
      // The journal's lines are all in the snapshot now; a crash before this truncation replays
      // them over it, which changes nothing.
      await new Promise<void>((resolve) => this.stream.end(resolve));
      this.stream = openJournal(this.statePath, 'w');
      this.snapshotBytes = Buffer.byteLength(text);
      this.journalBytes = 0;
    } finally {
      this.compacting = null;
    }
  }
}

/** A write failure reaches the write's callback (and so the request); the stream's own error event must not crash the process. */
function openJournal(statePath: string, flags: 'a' | 'w'): WriteStream {
  const stream = createWriteStream(journalPath(statePath), { flags });
  stream.on('error', () => undefined);
  return stream;
}

export function journalPath(statePath: string): string {
  return `${statePath}.journal`;
}

function readJournal(path: string): JournalLine[] {
  if (!existsSync(path)) return [];
  const lines: JournalLine[] = [];
  const text = readFileSync(path, 'utf8');
  const rows = text.split('\n');
  for (const [index, row] of rows.entries()) {
    if (row === '') continue;
    try {
      lines.push(JSON.parse(row) as JournalLine);
    } catch (error) {
      // Only the last line may be torn (a crash mid-append); anything else is a damaged file.
      if (index >= rows.length - 2) break;
      throw new Error(`${path}: line ${index + 1} is not JSON (${(error as Error).message}); move the file away to start from the snapshot`, { cause: error });
    }
  }
  return lines;
}

/** Keys of the snapshot's record collections, as the state keys them. */
function keyOf(collection: RecordCollection, record: unknown): string {
  const value = record as { id?: string; object?: { id: string } };
  return collection === 'paymentMethods' || collection === 'paymentIntents' || collection === 'charges' ? value.object!.id : value.id!;
}

function replay(loaded: SandboxStoreContents | undefined, lines: readonly JournalLine[]): SandboxStoreContents {
  const empty = (): { records: Map<RecordCollection, Map<string, unknown>>; events: Map<string, StripeEventShape>; idempotency: Map<string, StoredResponse>; webhooks: Set<string> } => ({
    records: new Map(RECORD_COLLECTIONS.map((collection) => [collection, new Map<string, unknown>()])),
    events: new Map(),
    idempotency: new Map(),
    webhooks: new Set(),
  });
  let state = empty();
  if (loaded) {
    for (const collection of RECORD_COLLECTIONS) {
      for (const record of (loaded.state[collection] ?? []) as unknown[]) state.records.get(collection)!.set(keyOf(collection, record), record);
    }
    for (const event of loaded.state.events) state.events.set(event.id, event);
    for (const stored of loaded.idempotency) state.idempotency.set(stored.key, stored);
    for (const id of loaded.pendingWebhooks ?? []) state.webhooks.add(id);
  }
  for (const line of lines) {
    if (line.c === 'reset') state = empty();
    else if (line.c === 'event') state.events.set(line.v.id, line.v);
    else if (line.c === 'idempotency') {
      if (line.v === null) state.idempotency.delete(line.id);
      else state.idempotency.set(line.id, line.v);
    } else if (line.c === 'webhook') {
      if (line.pending) state.webhooks.add(line.id);
      else state.webhooks.delete(line.id);
    } else {
      const records = state.records.get(line.c)!;
      if (line.v === null) records.delete(line.id);
      else records.set(line.id, line.v);
    }
  }
  const snapshot = Object.fromEntries(RECORD_COLLECTIONS.map((collection) => [collection, [...state.records.get(collection)!.values()]])) as Omit<SandboxStateSnapshot, 'events'>;
  return { state: { ...snapshot, events: [...state.events.values()] }, idempotency: [...state.idempotency.values()], pendingWebhooks: [...state.webhooks] };
}
