import { z } from 'zod';

/**
 * The pieces every view (what reads return, straight into HTTP responses) shares: timestamps as
 * ISO-8601 strings, money as integer minor units, metadata as a plain object.
 */
export const instant = z.iso.datetime();

export const minorUnits = z.int().describe('Integer minor units of `currency` (cents for USD)');

export function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

/** The column is JSON with an object default; anything else (never written by us) shows as {}. */
export function metadataOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
