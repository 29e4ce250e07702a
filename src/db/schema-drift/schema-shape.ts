/** The comparable shape of a relational schema, built from schema.prisma or from a live database. */
export interface ColumnShape {
  /** Postgres's canonical type text, as `format_type()` prints it. */
  type: string;
  nullable: boolean;
  /** Normalised default expression, or null when the database holds none. */
  default: string | null;
}

export interface TableShape {
  columns: Map<string, ColumnShape>;
  primaryKey: string;
  /** Column lists, comma-joined, of unique indexes other than the primary key. */
  uniques: Set<string>;
  indexes: Set<string>;
  /** `cols -> table(cols) on delete X on update Y` */
  foreignKeys: Set<string>;
}

export interface SchemaShape {
  tables: Map<string, TableShape>;
  enums: Map<string, string[]>;
}

export function emptyTable(): TableShape {
  return { columns: new Map(), primaryKey: '', uniques: new Set(), indexes: new Set(), foreignKeys: new Set() };
}

/** Casts and redundant parentheses differ between how Prisma writes a default and how Postgres prints it. */
export function normaliseDefault(expression: string | null): string | null {
  if (expression === null) return null;
  let text = expression.trim();
  if (/^nextval\(/i.test(text)) return 'autoincrement';
  for (;;) {
    const stripped = text.replace(/::(?:"[^"]+"|[\w .]+)(?:\(\d+(?:,\d+)?\))?(?:\[\])?$/, '');
    if (stripped === text) break;
    text = stripped.trim();
  }
  if (/^(current_timestamp|now\(\))$/i.test(text)) return 'CURRENT_TIMESTAMP';
  if (/^\(.*\)$/.test(text) && !/^\(.*\)\s*\(/.test(text)) text = text.slice(1, -1);
  return text;
}

export function describeDifferences(expected: SchemaShape, actual: SchemaShape): string[] {
  const problems: string[] = [];
  for (const [name, values] of expected.enums) {
    const found = actual.enums.get(name);
    if (!found) problems.push(`enum ${name} is missing from the database`);
    else if (found.join(',') !== values.join(',')) {
      problems.push(`enum ${name}: schema has [${values.join(', ')}], database has [${found.join(', ')}]`);
    }
  }
  for (const name of actual.enums.keys()) {
    if (!expected.enums.has(name)) problems.push(`enum ${name} exists in the database but not in schema.prisma`);
  }
  for (const [tableName, table] of expected.tables) {
    const found = actual.tables.get(tableName);
    if (!found) {
      problems.push(`table ${tableName} is missing from the database`);
      continue;
    }
    for (const [columnName, column] of table.columns) {
      const dbColumn = found.columns.get(columnName);
      const where = `${tableName}.${columnName}`;
      if (!dbColumn) {
        problems.push(`column ${where} is missing from the database`);
        continue;
      }
      if (dbColumn.type !== column.type) problems.push(`column ${where}: schema type ${column.type}, database type ${dbColumn.type}`);
      if (dbColumn.nullable !== column.nullable) {
        problems.push(`column ${where}: schema says ${column.nullable ? 'nullable' : 'NOT NULL'}, database says ${dbColumn.nullable ? 'nullable' : 'NOT NULL'}`);
      }
      if (dbColumn.default !== column.default) {
        problems.push(`column ${where}: schema default ${column.default ?? '(none)'}, database default ${dbColumn.default ?? '(none)'}`);
      }
    }
    for (const columnName of found.columns.keys()) {
      if (!table.columns.has(columnName)) problems.push(`column ${tableName}.${columnName} exists in the database but not in schema.prisma`);
    }
    if (found.primaryKey !== table.primaryKey) {
      problems.push(`table ${tableName}: schema primary key (${table.primaryKey}), database primary key (${found.primaryKey})`);
    }
    compareSets(problems, `${tableName} unique key`, table.uniques, found.uniques);
    compareSets(problems, `${tableName} index`, table.indexes, found.indexes);
    compareSets(problems, `${tableName} foreign key`, table.foreignKeys, found.foreignKeys);
  }
  for (const tableName of actual.tables.keys()) {
    if (!expected.tables.has(tableName)) problems.push(`table ${tableName} exists in the database but not in schema.prisma`);
  }
  return problems;
}

function compareSets(problems: string[], what: string, expected: Set<string>, actual: Set<string>): void {
  for (const item of expected) if (!actual.has(item)) problems.push(`${what} (${item}) is missing from the database`);
  for (const item of actual) if (!expected.has(item)) problems.push(`${what} (${item}) exists in the database but not in schema.prisma`);
}
