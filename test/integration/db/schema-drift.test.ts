import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsDir } from '../../../src/db/migrate.js';
import { applyMigrations, readMigrations } from '../../../src/db/migrator.js';
import { findSchemaDrift } from '../../../src/db/schema-drift/index.js';
import { projectRoot } from '../../../src/project-root.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const schemaPath = join(projectRoot, 'prisma', 'schema.prisma');
const databases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

/** Applies a copy of the real migrations with one textual edit to the first migration file. */
async function migrateWithEdit(edit: (sql: string) => string): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'drift-'));
  await cp(migrationsDir, dir, { recursive: true });
  const first = (await readMigrations(dir))[0]?.name ?? '';
  const file = join(dir, first, 'migration.sql');
  const original = await readFile(file, 'utf8');
  const changed = edit(original);
  expect(changed).not.toBe(original); // the edit must actually change something
  await writeFile(file, changed);
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  await applyMigrations(db.url, await readMigrations(dir));
  return db;
}

describe('schema.prisma and the SQL migrations', () => {
  it('agree on every table, column, type, nullability, default, key and index', async () => {
    const db = await createTestDatabase();
    databases.push(db);
    expect(await findSchemaDrift(schemaPath, db.url)).toEqual([]);
  });

  it('a column dropped from the SQL is reported', async () => {
    const db = await migrateWithEdit((sql) => sql.replace('    "prefix" TEXT NOT NULL,\n', ''));
    expect(await findSchemaDrift(schemaPath, db.url)).toEqual(['column api_keys.prefix is missing from the database']);
  });

  it('a nullability difference is reported', async () => {
    const db = await migrateWithEdit((sql) => sql.replace('"revoked_at" TIMESTAMP(3),', '"revoked_at" TIMESTAMP(3) NOT NULL,'));
    expect(await findSchemaDrift(schemaPath, db.url)).toEqual([
      'column api_keys.revoked_at: schema says nullable, database says NOT NULL',
    ]);
  });

  it('type, default, unique and foreign-key differences are each reported', async () => {
    const db = await migrateWithEdit((sql) =>
      sql
        .replace(`"role" "ApiKeyRole" NOT NULL DEFAULT 'admin'`, `"role" "ApiKeyRole" NOT NULL DEFAULT 'read_only'`)
        .replace('"name" TEXT NOT NULL,\n    "slug"', '"name" VARCHAR(50) NOT NULL,\n    "slug"')
        .replace('CREATE UNIQUE INDEX "tenants_slug_key"', 'CREATE INDEX "tenants_slug_key"')
        .replace('ON DELETE CASCADE ON UPDATE CASCADE', 'ON DELETE RESTRICT ON UPDATE CASCADE'),
    );
    expect((await findSchemaDrift(schemaPath, db.url)).sort()).toEqual(
      [
        "column api_keys.role: schema default 'admin', database default 'read_only'",
        'column tenants.name: schema type text, database type character varying(50)',
        'tenants unique key (slug) is missing from the database',
        'tenants index (slug) exists in the database but not in schema.prisma',
        'api_keys foreign key (tenant_id -> tenants(id) on delete cascade on update cascade) is missing from the database',
        'api_keys foreign key (tenant_id -> tenants(id) on delete restrict on update cascade) exists in the database but not in schema.prisma',
      ].sort(),
    );
  });

  it('a table or column the schema does not know is reported', async () => {
    const db = await migrateWithEdit((sql) => `${sql}\nCREATE TABLE "stray" ("id" TEXT NOT NULL);\nALTER TABLE "tenants" ADD COLUMN "extra" INTEGER;\n`);
    expect((await findSchemaDrift(schemaPath, db.url)).sort()).toEqual([
      'column tenants.extra exists in the database but not in schema.prisma',
      'table stray exists in the database but not in schema.prisma',
    ]);
  });
});
