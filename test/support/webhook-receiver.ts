import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; relatedObject: { type: string; id: string }; data: Record<string, unknown> & { customerId?: string; endpointId?: string }; apiVersion: string; tenantId: string; createdAt: string };
  /** The status this receiver answered. */
  answered: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Milliseconds to wait before answering (a slow receiver). */
  delayMs?: number;
}

/**
 * A real HTTP receiver on 127.0.0.1, as an integrator runs one: it keeps every request and
 * answers as `reply` says (200 unless told otherwise).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  reply: (request: { id: string; type: string; count: number }) => Reply = () => ({ status: 200 });
  private server: Server | undefined;
  url = '';

  async start(path = '/hooks/billing'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as ReceivedWebhook['event'];
        const id = String(req.headers['webhook-id']);
        const reply = this.reply({ id, type: event.type, count: this.received.filter((r) => r.id === id).length + 1 });
        this.received.push({ id, timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']), headers: req.headers, body, event, answered: reply.status });
        setTimeout(() => {
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body ?? '');
        }, reply.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  /** Whether a request verifies with `secret`, as the README's receiver snippet checks it (standardwebhooks). */
  static verifies(received: ReceivedWebhook, secret: string): boolean {
    try {
      new Webhook(secret).verify(received.body, { 'webhook-id': received.id, 'webhook-timestamp': received.timestamp, 'webhook-signature': received.signature });
      return true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
