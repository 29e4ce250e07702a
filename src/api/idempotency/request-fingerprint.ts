import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one body. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What "the same request" means for an idempotency key: method, path and body. A JSON body is
 * compared by meaning (key order and whitespace do not matter); anything else byte for byte.
 */
export function requestFingerprint(method: string, path: string, body: string): string {
  let normalised = body;
  if (body.trim() !== '') {
    try {
      normalised = canonicalJson(JSON.parse(body));
    } catch {
      // Not JSON: the handler will refuse it; the raw text still identifies the request.
    }
  }
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${normalised}`, 'utf8').digest('hex');
}
