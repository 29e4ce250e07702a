import { expect } from 'vitest';

/** The body of an answer with this status (the body is the failure message otherwise). */
export async function ok<T = any>(response: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const settled = await response;
  expect(settled.status, JSON.stringify(settled.body)).toBe(status);
  return settled.body;
}

/** The error of an answer refused with this status and code. */
export async function refused(response: Promise<{ status: number; body: any }>, status: number, code: string): Promise<any> {
  const settled = await response;
  expect([settled.status, settled.body?.error?.code], JSON.stringify(settled.body)).toEqual([status, code]);
  return settled.body.error;
}
