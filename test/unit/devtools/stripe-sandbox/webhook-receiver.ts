import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  payload: string;
  signature: string;
  eventId: string;
  type: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answer the next `count` deliveries with this status instead of 200. */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A stand-in for our webhook endpoint: records every delivery with its raw body and signature. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let failures: { remaining: number; status: number } = { remaining: 0, status: 500 };
  const server: Server = createServer((request, response) => {
    void readBody(request).then((payload) => {
      const event = JSON.parse(payload) as { id: string; type: string };
      received.push({ payload, signature: String(request.headers['stripe-signature'] ?? ''), eventId: event.id, type: event.type });
      if (failures.remaining > 0) {
        failures = { ...failures, remaining: failures.remaining - 1 };
        response.writeHead(failures.status).end('receiver failure');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/webhooks/stripe`,
    received,
    failNext(count, status = 500) {
      failures = { remaining: count, status };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
