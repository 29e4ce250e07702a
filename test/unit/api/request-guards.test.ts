import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failure, toFailureWire, type FailureCode } from '../../../src/billing/failures.js';
import type { ApiEnv } from '../../../src/api/env.js';
import { handleError, toErrorResponse } from '../../../src/api/errors.js';
import { billingErrorFromTemporal } from '../../../src/temporal/temporal-failures.js';
import { requestFingerprint } from '../../../src/api/idempotency/request-fingerprint.js';
import { rejectUnstorableText } from '../../../src/api/text-guard.js';
import { validationHook } from '../../../src/api/validation-hook.js';

function guardedApp() {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.use('*', rejectUnstorableText());
  const route = createRoute({
    method: 'post',
    path: '/things',
    request: { body: { required: true, content: { 'application/json': { schema: z.strictObject({ name: z.string(), count: z.int().min(1), tags: z.array(z.string()).optional() }) } } } },
    responses: { 200: { description: 'ok' } },
  });
  app.openapi(route, (c) => c.json({ ok: true, body: c.req.valid('json') }, 200));
  app.onError(handleError);
  return app;
}

const post = (app: ReturnType<typeof guardedApp>, body: string, path = '/things') =>
  app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('validation hook', () => {
  it('lists every bad field, unknown fields each as their own entry, as a 400', async () => {
    const response = await post(guardedApp(), JSON.stringify({ name: 7, count: 0, extra: 1, other: 2 }));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; details: Array<{ field: string; code: string }> } };
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((d) => [d.field, d.code]).sort()).toEqual([
      ['body.count', 'too_small'],
      ['body.extra', 'unknown_field'],
      ['body.name', 'invalid_type'],
      ['body.other', 'unknown_field'],
    ]);
  });

  it('answers malformed JSON with 400 invalid_request, not 500', async () => {
    const response = await post(guardedApp(), '{"name": "x",');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});

describe('unstorable text', () => {
  it('are refused in body values, keys and nested arrays, and in the query, naming each field', async () => {
    const response = await post(guardedApp(), JSON.stringify({ name: 'a\u0000b', count: 1, tags: ['ok', '\u0000'] }), '/things?x=%00');
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { details: Array<{ field: string }> } };
    expect(error.details.map((d) => d.field).sort()).toEqual(['body.name', 'body.tags.1', 'query.x']);
  });

  it('refuse lone UTF-16 surrogates (which neither PostgreSQL nor Temporal can carry) but keep real pairs', async () => {
    const lone = await post(guardedApp(), '{"name":"a\\ud800","count":1,"tags":["\\udfff"]}');
    expect(lone.status).toBe(400);
    const { error } = (await lone.json()) as { error: { details: Array<{ field: string; code: string }> } };
    expect(error.details.map((d) => [d.field, d.code])).toEqual([['body.name', 'invalid_text'], ['body.tags.0', 'invalid_text']]);
    const pair = await post(guardedApp(), '{"name":"\\ud83d\\ude00","count":1}');
    expect(pair.status).toBe(200);
    expect(((await pair.json()) as { body: { name: string } }).body.name).toBe('😀');
  });

  it('let every other string through unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\u0000')), async (name) => {
        const response = await post(guardedApp(), JSON.stringify({ name, count: 1 }));
        expect(response.status).toBe(200);
        expect(((await response.json()) as { body: { name: string } }).body.name).toBe(name);
      }),
      { numRuns: 200 },
    );
  });
});

describe('error translation', () => {
  it('maps billing refusals by kind: not found 404, conflict 409, malformed 400, rule 422', () => {
    expect(toErrorResponse(failure('price_not_found', 'x'))?.status).toBe(404);
    expect(toErrorResponse(failure('price_in_use', 'x'))?.status).toBe(409);
    expect(toErrorResponse(failure('invalid_input', 'x', { fields: [{ path: 'amount.currency', message: 'Unknown' }, { path: '', message: 'Empty' }] }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
      details: [
        { field: 'body.amount.currency', code: 'invalid', message: 'Unknown' },
        { field: 'body', code: 'invalid', message: 'Empty' },
      ],
    });
    expect(toErrorResponse(failure('invalid_cursor', 'x'))?.status).toBe(400);
    expect(toErrorResponse(failure('currency_mismatch', 'x', { currencies: ['USD', 'EUR'] }))).toMatchObject({ status: 422, details: [{ currencies: ['USD', 'EUR'] }] });
  });

  it("maps a workflow's refusal by the kind it carries, with its reason; Temporal down is 503", () => {
    const refused = (code: FailureCode) => new WorkflowUpdateFailedError('update failed', ApplicationFailure.nonRetryable(`because ${code}`, code, toFailureWire(failure(code, 'x'))));
    expect(toErrorResponse(billingErrorFromTemporal(refused('subscription_not_paused')))).toMatchObject({ status: 409, code: 'subscription_not_paused', message: 'because subscription_not_paused' });
    expect(toErrorResponse(billingErrorFromTemporal(refused('invalid_change')))).toMatchObject({ status: 422, code: 'invalid_change' });
    expect(toErrorResponse(billingErrorFromTemporal(refused('price_not_found')))).toMatchObject({ status: 404 });
    // A refusal without the kind (an older workflow's) falls back to the catalog.
    const bare = new WorkflowUpdateFailedError('update failed', ApplicationFailure.nonRetryable('paused?', 'subscription_not_paused'));
    expect(toErrorResponse(billingErrorFromTemporal(bare))).toMatchObject({ status: 409 });
    expect(toErrorResponse(billingErrorFromTemporal(new WorkflowNotFoundError('gone', 'subscription:x', undefined)))).toMatchObject({ status: 409, code: 'subscription_ended' });
    expect(toErrorResponse(billingErrorFromTemporal(new ServiceError('unavailable')))).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    expect(billingErrorFromTemporal(new Error('boom'))).toBeUndefined();
    expect(toErrorResponse(new Error('boom'))).toBeUndefined();
  });
});

describe('request fingerprint', () => {
  it('is the same for JSON bodies that mean the same, and differs by method, path or meaning', () => {
    const base = requestFingerprint('POST', '/v1/customers', '{"a":1,"b":{"c":[1,2]}}');
    expect(requestFingerprint('post', '/v1/customers', ' { "b": {"c": [1, 2]}, "a": 1 } ')).toBe(base);
    expect(requestFingerprint('POST', '/v1/customers', '{"a":1,"b":{"c":[2,1]}}')).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/products', '{"a":1,"b":{"c":[1,2]}}')).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/customers', 'not json')).not.toBe(requestFingerprint('POST', '/v1/customers', 'not json '));
  });

  it('is insensitive to key order for any JSON object (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(requestFingerprint('POST', '/p', JSON.stringify(reversed))).toBe(requestFingerprint('POST', '/p', JSON.stringify(object)));
      }),
      { numRuns: 300 },
    );
  });
});
