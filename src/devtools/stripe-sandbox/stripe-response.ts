import { randomBase62 } from '../../ids.js';
import type { StripeApiError } from './stripe-error.js';

export function newRequestId(): string {
  return `req_${randomBase62(14)}`;
}

/** Stripe answers with indented JSON. */
export function stripeJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export interface EncodedResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/**
 * Encodes an error the way Stripe does. `Stripe-Should-Retry` is what the SDKs obey before
 * their own rules: true for transient faults, false for card errors (retrying changes nothing).
 */
export function encodeError(error: StripeApiError, requestId: string): EncodedResponse {
  const headers: Record<string, string> = {};
  if (error.status === 429 || error.status === 500) headers['Stripe-Should-Retry'] = 'true';
  if (error.error.type === 'card_error') headers['Stripe-Should-Retry'] = 'false';
  const body = { error: { ...error.error, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}?t=${Math.floor(Date.now() / 1000)}` } };
  return { status: error.status, body: stripeJson(body), headers };
}

export function toResponse(encoded: EncodedResponse, extraHeaders: Record<string, string> = {}): Response {
  return new Response(encoded.body, {
    status: encoded.status,
    headers: { 'Content-Type': 'application/json', ...encoded.headers, ...extraHeaders },
  });
}
