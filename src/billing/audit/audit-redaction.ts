/**
 * What the audit trail never stores: secrets anywhere, and a person's data (name, email, phone,
 * address) on the objects that describe a person. A redacted field keeps its place with the value
 * "[redacted]", so an auditor still sees that it was set or changed; null stays null (so "added"
 * and "removed" stay visible). Pure: no I/O.
 */
export const REDACTED = '[redacted]';

/** Field names that are secret on every object. */
const SECRET_FIELDS = /(secret|password|token|hashedkey|hashed_key|fingerprint|^card$|^cvc$)/i;

/** Field names that are personal data on every object. */
const PERSONAL_FIELDS = /(^|_)(email|phone|address|shipping|billingdetails|billing_details)$|email$|phone$|address$/i;

/** On these objects `name` is a person's (or a buyer's) name; on a product or a key it is not. */
const NAMED_PEOPLE = new Set(['customer', 'payment_method']);

function isSensitive(objectType: string, key: string, depth: number): boolean {
  return SECRET_FIELDS.test(key) || PERSONAL_FIELDS.test(key) || (key === 'name' && depth === 0 && NAMED_PEOPLE.has(objectType));
}

function redactField(objectType: string, key: string, value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (isSensitive(objectType, key, depth)) return REDACTED;
  return redactValue(objectType, value, depth + 1);
}

function redactValue(objectType: string, value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(objectType, item, depth));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactField(objectType, key, inner, depth)]));
  }
  return value;
}

/** A copy of an object's view with its personal data and secrets replaced by "[redacted]". */
export function redactForAudit(objectType: string, view: unknown): unknown {
  return redactValue(objectType, view, 0);
}

/**
 * A changed value at a dotted path of an object's view, redacted as it would be inside the view:
 * the diff is taken before redaction (so a changed email shows as changed), its values after.
 */
export function redactAtPath(objectType: string, path: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const segments = path.split('.');
  if (segments.some((segment, depth) => isSensitive(objectType, segment, depth))) return REDACTED;
  return redactValue(objectType, value, segments.length);
}
