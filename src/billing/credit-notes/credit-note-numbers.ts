import type { Prisma } from '../../generated/prisma/client.js';

/** `CN-000042`: zero-padded so numbers sort as text too. */
export function formatCreditNoteNumber(sequence: number): string {
  return `CN-${String(sequence).padStart(6, '0')}`;
}

/**
 * The tenant's next credit note number, on the same row (and row lock) as its invoice numbers but
 * its own counter: gapless, because a rolled-back note rolls its increment back too.
 */
export async function takeCreditNoteNumber(tx: Prisma.TransactionClient, tenantId: string): Promise<string> {
  const rows = await tx.$queryRaw<Array<{ number: number }>>`
    INSERT INTO invoice_number_sequences (tenant_id, next_credit_note_number) VALUES (${tenantId}, 2)
    ON CONFLICT (tenant_id) DO UPDATE SET next_credit_note_number = invoice_number_sequences.next_credit_note_number + 1
    RETURNING next_credit_note_number - 1 AS number`;
  const [row] = rows;
  if (row === undefined) throw new Error(`No credit note number for tenant ${tenantId}`);
  return formatCreditNoteNumber(Number(row.number));
}
