import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsDir } from '../../../src/db/migrate.js';
import { applyMigrations, MigrationError, readMigrations } from '../../../src/db/migrator.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const databases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false });
  databases.push(db);
  return db;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('built-in migrator', () => {
  it("applies every migration and records it in _prisma_migrations as Prisma does", async () => {
    const db = await emptyDatabase();
    const migrations = await readMigrations(migrationsDir);
    const { applied } = await applyMigrations(db.url, migrations);
    expect(applied).toEqual(migrations.map((m) => m.name));

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number; rolled_back_at: Date | null; id: string }>(
      db.url,
      'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows).toHaveLength(migrations.length);
    for (const [index, row] of rows.entries()) {
      const name = migrations[index]?.name ?? '';
      // Prisma's checksum is the SHA-256 hex digest of the migration.sql file, computed here independently.
      const fileChecksum = createHash('sha256').update(await readFile(join(migrationsDir, name, 'migration.sql'))).digest('hex');
      expect(row).toMatchObject({ migration_name: name, checksum: fileChecksum, applied_steps_count: 1, rolled_back_at: null });
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is idempotent: a second run applies nothing', async () => {
    const db = await emptyDatabase();
    const migrations = await readMigrations(migrationsDir);
    await applyMigrations(db.url, migrations);
    expect((await applyMigrations(db.url, migrations)).applied).toEqual([]);
    expect(await query(db.url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(migrations.length);
  });

  it('two concurrent runs apply each migration exactly once', async () => {
    const db = await emptyDatabase();
    const migrations = await readMigrations(migrationsDir);
    const [a, b] = await Promise.all([applyMigrations(db.url, migrations), applyMigrations(db.url, migrations)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(migrations.map((m) => m.name).sort());
    expect(await query(db.url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(migrations.length);
  });

  it('rolls a failing migration back completely, leaving no table and no bookkeeping row', async () => {
    const db = await emptyDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await cp(migrationsDir, dir, { recursive: true });
    await mkdir(join(dir, '29990101000000_broken'));
    await writeFile(
      join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half_applied" ("id" TEXT NOT NULL);\nALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;\n',
    );
    const attempt = applyMigrations(db.url, await readMigrations(dir));
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(/29990101000000_broken failed and was rolled back: relation "no_such_table" does not exist/);
    expect(await query(db.url, "SELECT 1 FROM pg_class WHERE relname = 'half_applied'")).toHaveLength(0);
    expect(await query(db.url, `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`)).toHaveLength(0);
  });

  it('refuses to continue past a migration Prisma recorded as failed', async () => {
    const db = await emptyDatabase();
    const migrations = await readMigrations(migrationsDir);
    await applyMigrations(db.url, migrations.slice(0, 1));
    await query(db.url, `UPDATE "_prisma_migrations" SET finished_at = NULL`);
    await expect(applyMigrations(db.url, migrations)).rejects.toThrow(/failed earlier and was not resolved/);
  });

  it('warns when an applied migration file was edited afterwards', async () => {
    const db = await emptyDatabase();
    const migrations = await readMigrations(migrationsDir);
    await applyMigrations(db.url, migrations);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    const lines: string[] = [];
    await applyMigrations(db.url, edited, (line) => lines.push(line));
    expect(lines).toEqual([`warning: migration ${migrations[0]?.name} was modified after it was applied`]);
  });
});
