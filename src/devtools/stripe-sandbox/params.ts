import qs from 'qs';
import { invalidParam, parameterMissing, unknownParameter } from './stripe-error.js';
import type { Metadata } from './stripe-objects.js';

/** A decoded form parameter: Stripe's bracketed bodies nest (`metadata[invoice_id]=x`, `expand[0]=y`). */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

/** Decodes an `application/x-www-form-urlencoded` body or query string the way Stripe reads it. */
export function parseForm(encoded: string): FormParams {
  // The SDK sends arrays with explicit indices (`expand[0]=…`); a high arrayLimit keeps long
  // arrays as arrays instead of qs's fallback to objects keyed by index.
  const parsed = qs.parse(encoded, { depth: 10, arrayLimit: 1000, parameterLimit: 10_000 });
  return toFormValue(parsed) as FormParams;
}

function toFormValue(value: unknown): FormValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(toFormValue);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: FormValue } = {};
    for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = toFormValue(inner);
    return out;
  }
  return '';
}

/**
 * The parameters in an order-independent form, for comparing an idempotent replay with the
 * request that first used the key. Object keys are sorted; array order is kept because it is
 * meaningful (`expand[]`).
 */
export function canonicalParams(params: FormParams): string {
  return JSON.stringify(sortKeys(params));
}

function sortKeys(value: FormValue): FormValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  const out: { [key: string]: FormValue } = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as FormValue);
  return out;
}

/**
 * Which parameters an endpoint accepts: `true` for a scalar or free-form value, a nested spec for
 * an object whose own keys are checked. Stripe refuses anything else with `parameter_unknown`.
 */
export interface ParamSpec {
  [key: string]: true | ParamSpec;
}

export function assertKnownParams(params: FormParams, spec: ParamSpec, prefix = ''): void {
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    const allowed = key === 'expand' && !prefix ? true : spec[key];
    if (allowed === undefined) throw unknownParameter(name);
    if (allowed !== true && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      assertKnownParams(value, allowed, name);
    }
  }
}

function isObject(value: FormValue | undefined): value is { [key: string]: FormValue } {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

export function readObject(params: FormParams, key: string): FormParams | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  if (!isObject(value)) throw invalidParam('Invalid object', key);
  return value;
}

export function readString(params: FormParams, key: string, param = key): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(`Invalid string: ${JSON.stringify(value)}`, param, 'parameter_invalid_string');
  return value;
}

/** An empty string unsets a nullable field on update, as in Stripe's form encoding. */
export function readNullableString(params: FormParams, key: string, param = key): string | null | undefined {
  const value = readString(params, key, param);
  return value === '' ? null : value;
}

export function requireString(params: FormParams, key: string): string {
  const value = readString(params, key);
  if (value === undefined || value === '') throw parameterMissing(key);
  return value;
}

export function readInteger(params: FormParams, key: string): number | undefined {
  const value = readString(params, key);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw invalidParam(`Invalid integer: ${value}`, key, 'parameter_invalid_integer');
  }
  return Number(value);
}

export function readBoolean(params: FormParams, key: string): boolean | undefined {
  const value = readString(params, key);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidParam(`Invalid boolean: ${value}`, key);
}

export function readEnum<T extends string>(params: FormParams, key: string, allowed: readonly T[]): T | undefined {
  const value = readString(params, key);
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidParam(`Invalid ${key}: must be one of ${allowed.join(', ')}`, key);
  }
  return value as T;
}

export function readStringArray(params: FormParams, key: string): string[] | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (value === '') return [];
  const items = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [value];
  return items.map((item, index) => {
    if (typeof item !== 'string') throw invalidParam(`Invalid array`, `${key}[${index}]`);
    return item;
  });
}

export function readExpand(params: FormParams): string[] {
  return readStringArray(params, 'expand') ?? [];
}

// Stripe's metadata limits: 50 keys, key names up to 40 characters, values up to 500.
const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;

/**
 * Merges `metadata[…]` into `current` like Stripe: a key set to '' is removed, `metadata=''`
 * clears everything, other keys are kept.
 */
export function readMetadata(params: FormParams, current: Metadata = {}): Metadata | undefined {
  const value = params.metadata;
  if (value === undefined) return undefined;
  if (value === '') return {};
  if (!isObject(value)) throw invalidParam('Invalid metadata: must be an object', 'metadata');
  const merged: Metadata = { ...current };
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner !== 'string') throw invalidParam(`Invalid metadata[${key}]: must be a string`, `metadata[${key}]`);
    if (key.length > METADATA_MAX_KEY_LENGTH) {
      throw invalidParam(`Metadata keys can have up to ${METADATA_MAX_KEY_LENGTH} characters.`, `metadata[${key}]`);
    }
    if (inner.length > METADATA_MAX_VALUE_LENGTH) {
      throw invalidParam(`Metadata values can have up to ${METADATA_MAX_VALUE_LENGTH} characters.`, `metadata[${key}]`);
    }
    if (inner === '') delete merged[key];
    else merged[key] = inner;
  }
  if (Object.keys(merged).length > METADATA_MAX_KEYS) {
    throw invalidParam(`Invalid metadata: metadata can have up to ${METADATA_MAX_KEYS} keys.`, 'metadata');
  }
  return merged;
}
