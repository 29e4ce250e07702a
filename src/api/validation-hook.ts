import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { describeIssue } from '../billing/validation-messages.js';
import { errorBody } from './errors.js';

export interface FieldProblem {
  /** Where: `body.items.0.quantity`, `query.limit`, `param.id`. */
  field: string;
  code: string;
  message: string;
}

/** Every problem zod found, one entry per field; an unknown key is reported as its own field. */
export function fieldProblems(target: string, error: ZodError, input: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const path = [target === 'json' ? 'body' : target, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ field: [...path, key].join('.'), code: 'unknown_field', message: `Unknown field ${key}` });
    } else {
      problems.push({ field: path.join('.'), ...describeIssue(issue, input) });
    }
  }
  return problems;
}

/** The routes' defaultHook: a request that fails its schema is a 400 listing every bad field. */
export function validationHook(result: { success: boolean; target: string; error?: ZodError; data?: unknown }, c: Context): Response | undefined {
  if (result.success || !result.error) return undefined;
  const problems = fieldProblems(result.target, result.error, result.data);
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return c.json(errorBody('invalid_request', `Invalid request: ${summary}`, problems), 400);
}
