import { moneyFromColumn } from '../amounts.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { runInTransaction, toJson } from '../db.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import type { DiscrepancyFinding } from './check-gateway-payments.js';

/**
 * Records each finding once (per tenant and finding key) with its `reconciliation.discrepancy`
 * outbox event in the same transaction; returns the findings that were new.
 */
export async function recordDiscrepancies(prisma: PrismaClient, findings: readonly DiscrepancyFinding[], now: Date): Promise<DiscrepancyFinding[]> {
  const fresh: DiscrepancyFinding[] = [];
  for (const finding of findings) {
    const inserted = await runInTransaction(prisma, async (tx) => {
      const id = newId('dsc');
      const { count } = await tx.reconciliationDiscrepancy.createMany({
        data: [
          {
            id,
            tenantId: finding.tenantId,
            kind: finding.kind,
            findingKey: finding.findingKey,
            invoiceId: finding.invoiceId,
            subscriptionId: finding.subscriptionId,
            paymentIntentId: finding.paymentIntentId,
            amount: finding.amount === null ? null : BigInt(finding.amount),
            currency: finding.currency,
            details: toJson(finding.details),
            detectedAt: now,
          },
        ],
        skipDuplicates: true,
      });
      if (count === 0) return false;
      await writeOutboxEvents(tx, finding.tenantId, [
        {
          type: 'reconciliation.discrepancy',
          aggregateType: 'reconciliation_discrepancy',
          aggregateId: id,
          dedupeKey: `reconciliation:${finding.findingKey}`,
          payload: { discrepancyId: id, kind: finding.kind, invoiceId: finding.invoiceId, subscriptionId: finding.subscriptionId, paymentIntentId: finding.paymentIntentId, amount: finding.amount === null || finding.currency === null ? null : moneyFromColumn(BigInt(finding.amount), finding.currency) },
        },
      ]);
      return true;
    });
    if (inserted) fresh.push(finding);
  }
  return fresh;
}
