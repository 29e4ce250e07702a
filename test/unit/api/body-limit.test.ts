import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitBodySize } from '../../../src/api/body-limit.js';
import type { ApiEnv } from '../../../src/api/env.js';
import { ApiError, handleError } from '../../../src/api/errors.js';

/** The body limit over a real Node HTTP server: what Content-Length says, and chunked bodies that say nothing. */
const MAX = 1000;
let server: ServerType;
let port: number;
let handled = 0;

beforeAll(async () => {
  const app = new Hono<ApiEnv>();
  app.use(
    '*',
    limitBodySize(MAX, () => {
      throw new ApiError('payload_too_large', `limited to ${MAX} bytes`);
    }),
  );
  app.post('/echo', async (c) => {
    handled += 1;
    return c.json({ bytes: Buffer.byteLength(await c.req.text()) });
  });
  app.onError(handleError);
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

type Answer = { bytes?: number; error?: { code: string } };

/** Sends `body` in `chunks` writes; with `chunked` there is no Content-Length (Transfer-Encoding: chunked). */
function send(body: string, options: { chunked: boolean }): Promise<{ status: number; body: Answer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/echo', method: 'POST', headers: options.chunked ? { 'content-type': 'text/plain' } : { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer }));
      },
    );
    req.on('error', reject);
    for (let at = 0; at < body.length; at += 300) req.write(body.slice(at, at + 300));
    req.end();
  });
}

describe('limitBodySize over HTTP', () => {
  it('judges a body with a Content-Length by the header, and never runs the handler for one over the limit', async () => {
    const before = handled;
    expect(await send('x'.repeat(MAX), { chunked: false })).toEqual({ status: 200, body: { bytes: MAX } });
    const over = await send('x'.repeat(MAX + 1), { chunked: false });
    expect(over.status).toBe(413);
    expect(over.body.error?.code).toBe('payload_too_large');
    expect(handled - before).toBe(1);
  });

  it('measures a chunked body as it is read', async () => {
    const before = handled;
    expect(await send('y'.repeat(MAX), { chunked: true })).toEqual({ status: 200, body: { bytes: MAX } });
    const over = await send('y'.repeat(3 * MAX), { chunked: true });
    expect(over.status).toBe(413);
    expect(over.body.error?.code).toBe('payload_too_large');
    expect(handled - before).toBe(1);
  });
});
