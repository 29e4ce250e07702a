import { describe, expect, it } from 'vitest';
import { publicEventData } from '../../../../src/billing/events/views.js';

describe("an event's public data", () => {
  it('shows each amount as an integer of minor units and the currency once, as invoices do', () => {
    expect(publicEventData({ invoiceId: 'inv_1', number: 'INV-1', amountDue: { amount: 4200, currency: 'usd' }, total: { amount: 5000, currency: 'USD' } })).toEqual({
      invoiceId: 'inv_1',
      number: 'INV-1',
      amountDue: 4200,
      total: 5000,
      currency: 'USD',
    });
  });

  it('keeps everything else as it is: nulls, lists, objects that are not money, an event without amounts', () => {
    const data = { amount: null, changed: ['email'], previous: { email: null, amount: 3 }, attempt: 2 };
    expect(publicEventData(data)).toEqual(data);
    expect(publicEventData({ customerId: 'cust_1', currency: 'EUR' })).toEqual({ customerId: 'cust_1', currency: 'EUR' });
  });
});
