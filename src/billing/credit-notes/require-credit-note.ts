import type { CreditNote, CreditNoteLine } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';

export async function requireCreditNote(db: Db, tenantId: string, creditNoteId: string): Promise<CreditNote & { lines: CreditNoteLine[] }> {
  const note = await db.creditNote.findFirst({ where: { id: creditNoteId, tenantId }, include: { lines: true } });
  if (note === null) throw notFound('credit_note', creditNoteId);
  return note;
}
