/**
 * The changed fields between two views of one object, as `{ path, from, to }` in path order.
 * Nested objects are compared field by field (`address.city`); arrays and other values as a whole.
 * A field absent on one side reads as null there, and an empty object as absent. Pure: no I/O.
 */
export interface AuditChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** Fields that change on every write and say nothing about what was done. */
const IGNORED = new Set(['updatedAt', 'lastUsedAt']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatten(value: unknown, prefix: string, into: Map<string, unknown>): void {
  if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (prefix === '' && IGNORED.has(key)) continue;
      flatten(inner, prefix === '' ? key : `${prefix}.${key}`, into);
    }
    return;
  }
  if (prefix !== '') into.set(prefix, value === undefined ? null : value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const from = new Map<string, unknown>();
  const to = new Map<string, unknown>();
  flatten(before ?? {}, '', from);
  flatten(after ?? {}, '', to);
  const paths = [...new Set([...from.keys(), ...to.keys()])].sort();
  const changes: AuditChange[] = [];
  for (const path of paths) {
    const a = from.has(path) ? from.get(path) : null;
    const b = to.has(path) ? to.get(path) : null;
    if (!sameValue(a, b)) changes.push({ path, from: a, to: b });
  }
  return changes;
}
