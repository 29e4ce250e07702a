import type { z } from 'zod';

export interface IssueDescription {
  /** Machine-readable: `required`, `not_whole_number`, or zod's own code. */
  code: string;
  message: string;
}

/** The value at a path, or undefined when any step of it is missing. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Amounts are named so (`amount`, `unitAmount`, `amountOff`): a fraction of one is a fraction of a cent. */
function isAmountField(path: readonly PropertyKey[]): boolean {
  const last = path.at(-1);
  return typeof last === 'string' && /amount/i.test(last);
}

/**
 * Says what zod found the way a person would: "is required" rather than "expected string,
 * received undefined", and "must be a whole number of minor units" rather than "Invalid input".
 * Messages a schema states itself (a regex's, a refinement's) are kept as they are.
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): IssueDescription {
  const value = valueAt(input, issue.path);
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && value === undefined) {
    return { code: 'required', message: 'is required' };
  }
  // A union that states its own message (the decimal amounts do) knows better than a guess.
  if (issue.code === 'invalid_union' && issue.message !== 'Invalid input') return { code: issue.code, message: issue.message };
  const fractional = typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value);
  if (fractional && (issue.code === 'invalid_union' || (issue.code === 'invalid_type' && issue.expected === 'int'))) {
    return { code: 'not_whole_number', message: isAmountField(issue.path) ? 'must be a whole number of minor units' : 'must be a whole number' };
  }
  if (issue.code === 'invalid_type') return { code: issue.code, message: `must be ${article(issue.expected)}, not ${typeName(value)}` };
  return { code: issue.code, message: issue.message };
}

function article(expected: string): string {
  const name = expected === 'int' ? 'whole number' : expected;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}
