import type { SandboxState } from './state.js';
import { invalidParam } from './stripe-error.js';

type ObjectType = 'customer' | 'payment_method' | 'setup_intent' | 'payment_intent' | 'charge' | 'refund' | 'event';

/** The fields Stripe lets callers expand, per object type, for the objects the sandbox serves. */
const EXPANDABLE: Readonly<Record<ObjectType, readonly string[]>> = {
  customer: ['invoice_settings.default_payment_method'],
  payment_method: ['customer'],
  setup_intent: ['customer', 'payment_method'],
  payment_intent: ['customer', 'payment_method', 'latest_charge'],
  charge: ['customer', 'payment_intent'],
  refund: ['charge', 'payment_intent'],
  event: [],
};

export type ExpandTarget = ObjectType | `list:${ObjectType}`;

/**
 * Refuses what Stripe refuses, before the request executes: an unknown or non-expandable path.
 * Lists take `data.<field>`.
 */
export function assertExpandable(target: ExpandTarget, paths: readonly string[]): void {
  const isList = target.startsWith('list:');
  const type = (isList ? target.slice('list:'.length) : target) as ObjectType;
  const allowed = EXPANDABLE[type];
  for (const path of paths) {
    const field = isList ? (path.startsWith('data.') ? path.slice('data.'.length) : null) : path;
    if (field === null || !allowed.includes(field)) throw invalidParam(`This property cannot be expanded (${path}).`, 'expand');
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function lookup(state: SandboxState, id: string): Json | undefined {
  const found =
    state.customers.get(id) ??
    state.paymentMethods.get(id)?.object ??
    state.paymentIntents.get(id)?.object ??
    state.setupIntents.get(id) ??
    state.charges.get(id)?.object ??
    state.refunds.get(id);
  return found === undefined ? undefined : (structuredClone(found) as unknown as Json);
}

function expandPath(state: SandboxState, value: Json, segments: readonly string[]): Json {
  const [head, ...rest] = segments;
  if (head === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const current = value[head];
  if (current === undefined) return value;
  if (head === 'data' && Array.isArray(current)) {
    return { ...value, data: current.map((item) => expandPath(state, item, rest)) };
  }
  const resolved = typeof current === 'string' && rest.length === 0 ? (lookup(state, current) ?? current) : current;
  return { ...value, [head]: rest.length === 0 ? resolved : expandPath(state, resolved, rest) };
}

/** A copy of `value` with each expand path's id replaced by the object it names. */
export function expand(state: SandboxState, value: unknown, paths: readonly string[]): unknown {
  let out = structuredClone(value) as Json;
  for (const path of paths) out = expandPath(state, out, path.split('.'));
  return out;
}
