/** Every subscription is exactly one workflow, so its id is derived from the subscription's. */
export function subscriptionWorkflowId(subscriptionId: string): string {
  return `subscription:${subscriptionId}`;
}

/** A one-off invoice is collected by exactly one workflow at a time, named for the invoice. */
export function invoiceWorkflowId(invoiceId: string): string {
  return `invoice:${invoiceId}`;
}
