import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { BILLING_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const Indexed = proto.temporal.api.enums.v1.IndexedValueType;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;
const INDEXED_VALUE_TYPES: Record<SearchAttributeType, IndexedValueType> = {
  [SearchAttributeType.TEXT]: Indexed.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: Indexed.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: Indexed.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: Indexed.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: Indexed.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: Indexed.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: Indexed.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the project's search attributes on a namespace through the operator API; idempotent
 * (attributes already present with the same type are left alone). Works against the dev server
 * and self-hosted clusters; Temporal Cloud manages attributes through its own control plane.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  let known = new Set<string>();
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    known = new Set(Object.keys(existing.customAttributes ?? {}));
  } catch (error) {
    // The time-skipping test server can add search attributes but not list them.
    if ((error as { code?: number }).code !== 12 /* UNIMPLEMENTED */) throw error;
  }
  const missing = BILLING_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  const searchAttributes: Record<string, IndexedValueType> = {};
  for (const key of missing) searchAttributes[key.name] = INDEXED_VALUE_TYPES[key.type];
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  return missing.map((key) => key.name);
}
