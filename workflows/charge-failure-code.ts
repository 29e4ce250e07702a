import type { ChargeInvoiceResult } from '../activities/types.js';

/** The code an attempt's failure is recorded and dunned by: the decline code, or why no charge went through. */
export function chargeFailureCode(result: ChargeInvoiceResult): string | null {
  switch (result.status) {
    case 'declined':
      return result.declineCode;
    case 'requires_action':
      return 'authentication_required';
    case 'no_payment_method':
      return 'no_payment_method';
    case 'rejected':
      return 'gateway_rejected';
    default:
      return null;
  }
}
