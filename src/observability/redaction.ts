/**
 * What never reaches a log line: credentials (our API keys, webhook signing secrets, Stripe keys,
 * Authorization headers), card fingerprints and personal data (email addresses). Keys are
 * redacted by name wherever they sit in a logged object, and the same secrets are scrubbed from
 * free text (a message, an error's message or stack) by their shape, so an error that quotes a
 * request does not leak what it quoted.
 */

export const REDACTED = '[redacted]';

/** Field names whose values are secret or personal, compared case-insensitively. */
const SECRET_KEYS = new Set(
  [
    'authorization',
    'apikey',
    'api_key',
    'secret',
    'secretkey',
    'signingsecret',
    'webhooksecret',
    'password',
    'token',
    'hostedtoken',
    'fingerprint',
    'cardfingerprint',
    'email',
    'billingemail',
    'to',
    'cookie',
    'set-cookie',
    'stripe-signature',
    'webhook-signature',
    // An activity's task token completes it: a credential for the Temporal service.
    'tasktoken',
  ].map((key) => key.toLowerCase()),
);

/** Secrets and personal data by their shape, each replaced by its label. */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // A credential after its scheme goes whole, whatever its shape.
  [/\bBearer\s+[\w.~+/=-]{8,}/gi, `Bearer ${REDACTED}`],
  [/\bBasic\s+[A-Za-z0-9+/=]{8,}/g, `Basic ${REDACTED}`],
  [/\bdbk_[A-Za-z0-9]{8,}/g, `dbk_${REDACTED}`],
  [/\bwhsec_[A-Za-z0-9+/=]{8,}/g, `whsec_${REDACTED}`],
  [/\b(sk|rk)_(test|live)_[A-Za-z0-9]{8,}/g, `$1_$2_${REDACTED}`],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, `[email ${REDACTED}]`],
];

/** Free text with every secret shape replaced. */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

/**
 * A copy of `value` fit to log: secret fields redacted by name, strings scrubbed by shape, errors
 * reduced to name, message, code and stack (all scrubbed). Cycles and depth are bounded so a
 * logged object can never hang or flood the logger.
 */
export function redactForLog(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth > 8) return '[deep]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: scrubText(value.message),
      ...(typeof code === 'string' ? { code } : {}),
      ...(value.stack === undefined ? {} : { stack: scrubText(value.stack) }),
      ...(value.cause === undefined ? {} : { cause: redactForLog(value.cause, depth + 1, seen) }),
    };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => redactForLog(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = isSecretKey(key) ? REDACTED : redactForLog(item, depth + 1, seen);
  return out;
}
