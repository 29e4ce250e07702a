import { chargeInvoice as charge, type ChargeInvoiceInput, type ChargeInvoiceResult } from '../src/billing/invoices/charge-invoice.js';
import type { ActivityDependencies } from './dependencies.js';

export function chargeInvoice(deps: ActivityDependencies, input: ChargeInvoiceInput): Promise<ChargeInvoiceResult> {
  return charge(deps.prisma, deps.gateway, input);
}
