import pg from 'pg';
import { emptyTable, normaliseDefault, type SchemaShape, type TableShape } from './schema-shape.js';

const ACTIONS: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** Reads the public schema of a live database into a SchemaShape, from the system catalogs. */
export async function databaseShape(connectionString: string): Promise<SchemaShape> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const shape: SchemaShape = { tables: new Map(), enums: new Map() };
    const table = (name: string): TableShape => {
      let found = shape.tables.get(name);
      if (!found) shape.tables.set(name, (found = emptyTable()));
      return found;
    };

    const enums = await client.query<{ name: string; labels: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`);
    for (const row of enums.rows) shape.enums.set(row.name, row.labels);

    const columns = await client.query<{ table: string; column: string; type: string; notnull: boolean; dflt: string | null }>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS dflt
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname, a.attnum`);
    for (const row of columns.rows) {
      table(row.table).columns.set(row.column, {
        type: row.type,
        nullable: !row.notnull,
        default: normaliseDefault(row.dflt),
      });
    }

    const indexes = await client.query<{ table: string; columns: string; primary: boolean; unique: boolean }>(`
      SELECT c.relname AS table, i.indisprimary AS primary, i.indisunique AS unique,
             (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) AS columns
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'`);
    for (const row of indexes.rows) {
      const target = table(row.table);
      if (row.primary) target.primaryKey = row.columns;
      else if (row.unique) target.uniques.add(row.columns);
      else target.indexes.add(row.columns);
    }

    const foreignKeys = await client.query<{ table: string; columns: string; ref_table: string; ref_columns: string; on_delete: string; on_update: string }>(`
      SELECT c.relname AS table, rc.relname AS ref_table, con.confdeltype AS on_delete, con.confupdtype AS on_update,
             (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
             (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class rc ON rc.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`);
    for (const row of foreignKeys.rows) {
      table(row.table).foreignKeys.add(
        `${row.columns} -> ${row.ref_table}(${row.ref_columns}) on delete ${ACTIONS[row.on_delete]} on update ${ACTIONS[row.on_update]}`,
      );
    }
    return shape;
  } finally {
    await client.end();
  }
}
