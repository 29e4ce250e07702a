import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressAllowed, type WebhookUrlPolicy } from './address-policy.js';
import { hostOf } from './webhook-url.js';

/** Per attempt, connection to last byte (Svix's and the 15 s). */
export const ATTEMPT_TIMEOUT_MS = 15_000;
const MAX_RESPONSE_BODY = 2048;
/** A Retry-After longer than this is capped: the schedule's own longest wait. */
const MAX_RETRY_AFTER_MS = 10 * 3_600_000;

export type PostOutcome =
  | { kind: 'response'; status: number; body: string; retryAfterMs: number | null; durationMs: number }
  | { kind: 'error'; error: string; refused: boolean; durationMs: number };

export interface PostWebhookInput {
  url: string;
  headers: Record<string, string>;
  body: string;
  policy: WebhookUrlPolicy;
  timeoutMs?: number;
  /** dns.lookup by default; tests point a name at an address. */
  lookup?: LookupFunction;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

class RefusedAddress extends Error {}

/**
 * A lookup that lets the connection use only addresses the policy allows: the check happens on
 * the very address the socket connects to, so DNS that changes after registration (rebinding)
 * cannot reach a private address.
 */
function guardedLookup(policy: WebhookUrlPolicy, base: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return (callback as (e: Error | null, a: LookupAddress[]) => void)(error, []);
      const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: 4 }];
      const bad = list.find((entry) => !addressAllowed(entry.address, policy));
      if (bad !== undefined || list.length === 0) {
        return (callback as (e: Error | null, a: LookupAddress[]) => void)(new RefusedAddress(`${hostname} resolves to ${bad?.address ?? 'nothing'}, which webhooks may not reach`), []);
      }
      if (options.all) return (callback as (e: Error | null, a: LookupAddress[]) => void)(null, list);
      return (callback as (e: Error | null, a: string, f: number) => void)(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * One POST of a signed event. Never follows redirects (a 3xx is a failed attempt) and never
 * throws: the outcome is a response (any status) or an error (timeout, refused address,
 * connection failure), with the time it took.
 */
export function postWebhook(input: PostWebhookInput): Promise<PostOutcome> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      resolve({ kind: 'error', error: 'the URL is not valid', refused: true, durationMs: 0 });
      return;
    }
    const host = hostOf(url);
    if (isIP(host) !== 0 && !addressAllowed(host, input.policy)) {
      resolve({ kind: 'error', error: `${host} is an address webhooks may not reach`, refused: true, durationMs: 0 });
      return;
    }
    if (url.protocol === 'http:' && !input.policy.allowLoopback) {
      resolve({ kind: 'error', error: 'plain http is not allowed', refused: true, durationMs: 0 });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const timeoutMs = input.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'durable-billing-webhooks/1', ...input.headers, 'content-length': Buffer.byteLength(input.body).toString() },
        lookup: guardedLookup(input.policy, input.lookup ?? (dnsLookup)),
        agent: false,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BODY),
            retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()),
            durationMs: elapsed(),
          }),
        );
        res.on('error', (error) => finish({ kind: 'error', error: error.message, refused: false, durationMs: elapsed() }));
      },
    );
    const timer = setTimeout(() => {
      finish({ kind: 'error', error: `no complete response within ${timeoutMs / 1000} s`, refused: false, durationMs: elapsed() });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish({ kind: 'error', error: error.message, refused: error instanceof RefusedAddress, durationMs: elapsed() }));
    req.end(input.body);
  });
}
