import { z } from 'zod';
import { failure } from './failures.js';

/**
 * Cursor pagination, newest first (Stripe's order). A cursor names the last row of the previous
 * page by its (createdAt, id), which is stable under concurrent inserts, unlike an offset. Cursors
 * are opaque to clients: base64url JSON that we parse strictly and refuse with `invalid_cursor`.
 */
export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** `limit` and `cursor` for a list operation's input schema: checked with its other fields, so every bad one is listed together. */
export const pageInputShape = {
  limit: z.int().min(1).max(MAX_PAGE_LIMIT).optional(),
  cursor: z.string().min(1).optional(),
};

export interface PageRequest {
  /** 1 to 100; defaults to 20. */
  limit?: number | undefined;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

const cursorPayload = z.strictObject({ c: z.iso.datetime(), i: z.string().min(1).max(200) });

export interface CursorPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ c: position.createdAt.toISOString(), i: position.id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw failure('invalid_cursor', 'The cursor is not one this API issued', { cursor });
  }
  const parsed = cursorPayload.safeParse(payload);
  if (!parsed.success) throw failure('invalid_cursor', 'The cursor is not one this API issued', { cursor });
  return { createdAt: new Date(parsed.data.c), id: parsed.data.i };
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw failure('invalid_input', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`, { fields: [{ path: 'limit', message: 'out of range' }] });
  }
  return limit;
}

/**
 * The Prisma pieces for one page: rows strictly after the cursor in (createdAt desc, id desc)
 * order, one extra row fetched to know whether another page follows.
 */
export function pageQuery(request: PageRequest): {
  take: number;
  orderBy: Array<{ createdAt: 'desc' } | { id: 'desc' }>;
  after: { OR: Array<Record<string, unknown>> } | undefined;
} {
  const limit = pageLimit(request.limit);
  const position = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
  return {
    take: limit + 1,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    after:
      position === undefined
        ? undefined
        : { OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }] },
  };
}

/** Cuts the extra row off and names the cursor of the last row kept. */
export function toPage<Row extends CursorPosition, T>(rows: readonly Row[], request: PageRequest, view: (row: Row) => T): Page<T> {
  const limit = pageLimit(request.limit);
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const hasMore = rows.length > limit;
  return { data: kept.map(view), hasMore, nextCursor: hasMore && last ? encodeCursor(last) : null };
}
