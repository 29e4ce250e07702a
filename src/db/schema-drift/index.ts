import { readFile } from 'node:fs/promises';
import { databaseShape } from './database-shape.js';
import { expectedShape } from './expected-shape.js';
import { describeDifferences } from './schema-shape.js';

/**
 * Every difference between schema.prisma and a migrated database (tables, columns, types,
 * nullability, defaults, primary, unique and foreign keys, indexes, enums). The SQL migrations are
 * written by hand, so this is what keeps them honest; an empty list means they agree.
 */
export async function findSchemaDrift(schemaPath: string, connectionString: string): Promise<string[]> {
  const expected = expectedShape(await readFile(schemaPath, 'utf8'));
  return describeDifferences(expected, await databaseShape(connectionString));
}
