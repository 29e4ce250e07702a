import type { Feature } from '../../generated/prisma/client.js';
import { failure } from '../failures.js';

/** What a plan or an override may say about a feature, by its type. */
export interface EntitlementValueInput {
  /** Static features only. */
  value?: unknown;
  /** Metered features only: a normalised decimal, or null for unlimited. */
  limit?: string | null;
}

/**
 * Checks the fields fit the feature's type — a boolean feature takes neither, a static one a
 * `value`, a metered one a `limit` (null: unlimited) — listing every misplaced field at once.
 */
export function assertEntitlementFits(feature: Feature, input: EntitlementValueInput, options: { limitRequired: boolean; valueRequired: boolean }): void {
  const fields: Array<{ path: string; message: string }> = [];
  if (feature.type !== 'static' && input.value !== undefined) fields.push({ path: 'value', message: `a ${feature.type} feature has no value` });
  if (feature.type !== 'metered' && input.limit !== undefined) fields.push({ path: 'limit', message: `a ${feature.type} feature has no limit` });
  if (feature.type === 'static' && options.valueRequired && input.value === undefined) fields.push({ path: 'value', message: 'is required for a static feature' });
  if (feature.type === 'metered' && options.limitRequired && input.limit === undefined) fields.push({ path: 'limit', message: 'is required for a metered feature (null for unlimited)' });
  if (fields.length > 0) {
    throw failure('invalid_entitlement', `The entitlement does not fit ${feature.type} feature ${feature.key}: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, { feature: feature.key, type: feature.type, fields });
  }
}
