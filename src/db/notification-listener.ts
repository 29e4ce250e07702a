import pg from 'pg';
import { sqlPool, type PrismaClient } from './prisma-client.js';

export interface NotificationListener {
  /** Whether LISTEN is in effect now: notifications committed from here on will arrive. */
  readonly live: boolean;
  stop(): Promise<void>;
}

export interface ListenOptions {
  /** What to do with each channel's notifications, by channel. */
  channels: Readonly<Record<string, (payload: string) => void>>;
  /**
   * Called with true once LISTEN is in effect, and with false when the connection is lost (a
   * notification sent meanwhile is lost with it, so what depends on them must start over).
   */
  onLiveChange(live: boolean): void;
  /** Pause before reconnecting after a lost connection (default 1 s). */
  retryMs?: number;
}

/**
 * LISTENs on PostgreSQL channels over one dedicated connection (same settings as the client's
 * pool, but outside it: a listening connection is never returned), reconnecting after it is lost.
 */
export function listenForNotifications(prisma: PrismaClient, options: ListenOptions): NotificationListener {
  const settings = sqlPool(prisma).options;
  const retryMs = options.retryMs ?? 1_000;
  let client: pg.Client | null = null;
  let live = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const setLive = (value: boolean) => {
    if (live === value) return;
    live = value;
    options.onLiveChange(value);
  };

  const lost = (failed: pg.Client) => {
    if (client !== failed) return;
    client = null;
    setLive(false);
    failed.removeAllListeners('notification');
    void failed.end().catch(() => undefined);
    if (!stopped) timer = setTimeout(connect, retryMs);
  };

  function connect(): void {
    timer = null;
    if (stopped) return;
    const next = new pg.Client({ ...settings });
    client = next;
    next.on('notification', (message) => {
      const handle = options.channels[message.channel];
      if (handle !== undefined && message.payload !== undefined) handle(message.payload);
    });
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    next
      .connect()
      .then(() => next.query(Object.keys(options.channels).map((channel) => `LISTEN "${channel.replaceAll('"', '""')}"`).join('; ')))
      .then(() => {
        if (client === next && !stopped) setLive(true);
      })
      .catch(() => lost(next));
  }

  connect();
  return {
    get live() {
      return live;
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      const current = client;
      client = null;
      setLive(false);
      if (current !== null) await current.end().catch(() => undefined);
    },
  };
}
