import { describe, expect, it } from 'vitest';
import { expectedShape } from '../../../src/db/schema-drift/expected-shape.js';
import { parseAttributes, parsePrismaSchema } from '../../../src/db/schema-drift/prisma-schema.js';
import { normaliseDefault } from '../../../src/db/schema-drift/schema-shape.js';

const schema = `
// a comment with @unique that must be ignored
enum Status {
  active
  canceled
}
model Account {
  id        String   @id
  email     String   @unique @map("email_address") // trailing "comment"
  status    Status   @default(active)
  balance   Decimal  @default(0) @db.Decimal(20, 6)
  url       String?  @default("https://example.com/a//b")
  tags      String[]
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)
  owner     Account? @relation("Owner", fields: [ownerId], references: [id])
  ownerId   String?  @map("owner_id")
  owned     Account[] @relation("Owner")

  @@unique([status, email])
  @@index([createdAt(sort: Desc)])
  @@map("accounts")
}
`;

describe('parsePrismaSchema', () => {
  it('reads fields, optionality, lists and attributes, ignoring comments', () => {
    const parsed = parsePrismaSchema(schema);
    expect([...parsed.enums]).toEqual([['Status', ['active', 'canceled']]]);
    const model = parsed.models[0];
    expect(model?.name).toBe('Account');
    expect(model?.fields.map((f) => `${f.name}:${f.type}${f.list ? '[]' : ''}${f.optional ? '?' : ''}`)).toEqual([
      'id:String', 'email:String', 'status:Status', 'balance:Decimal', 'url:String?', 'tags:String[]',
      'createdAt:DateTime', 'owner:Account?', 'ownerId:String?', 'owned:Account[]',
    ]);
    expect(model?.fields[1]?.attributes).toEqual([{ name: 'unique', args: undefined }, { name: 'map', args: '"email_address"' }]);
    expect(model?.fields[4]?.attributes).toEqual([{ name: 'default', args: '"https://example.com/a//b"' }]);
  });

  it('rejects attribute text it does not understand instead of skipping it', () => {
    expect(() => parseAttributes('@id garbage', '@')).toThrow(/unexpected text/);
    expect(() => parseAttributes('@default(now()', '@')).toThrow(/unbalanced/);
  });
});

describe('expectedShape', () => {
  it('maps Prisma types, names, defaults and keys the way Prisma migrate creates them', () => {
    const table = expectedShape(schema).tables.get('accounts');
    expect(table?.columns.get('email_address')).toEqual({ type: 'text', nullable: false, default: null });
    expect(table?.columns.get('status')).toEqual({ type: '"Status"', nullable: false, default: "'active'" });
    expect(table?.columns.get('balance')).toEqual({ type: 'numeric(20,6)', nullable: false, default: '0' });
    expect(table?.columns.get('tags')).toEqual({ type: 'text[]', nullable: false, default: null });
    expect(table?.columns.get('created_at')).toEqual({ type: 'timestamp(3) with time zone', nullable: false, default: 'CURRENT_TIMESTAMP' });
    expect(table?.primaryKey).toBe('id');
    expect([...(table?.uniques ?? [])]).toEqual(['email_address', 'status,email_address']);
    expect([...(table?.indexes ?? [])]).toEqual(['created_at']);
    // An optional relation defaults to ON DELETE SET NULL, ON UPDATE CASCADE in Prisma.
    expect([...(table?.foreignKeys ?? [])]).toEqual(['owner_id -> accounts(id) on delete set null on update cascade']);
  });
});

describe('normaliseDefault', () => {
  it('strips the casts Postgres prints', () => {
    expect(normaliseDefault(`'admin'::"ApiKeyRole"`)).toBe(`'admin'`);
    expect(normaliseDefault(`'x'::character varying`)).toBe(`'x'`);
    expect(normaliseDefault(`'{}'::jsonb`)).toBe(`'{}'`);
    expect(normaliseDefault('CURRENT_TIMESTAMP')).toBe('CURRENT_TIMESTAMP');
    expect(normaliseDefault(`nextval('a_id_seq'::regclass)`)).toBe('autoincrement');
    expect(normaliseDefault(null)).toBeNull();
  });
});
