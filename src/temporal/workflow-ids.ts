/** Every subscription is exactly one workflow, so its id is derived from the subscription's. */
export function subscriptionWorkflowId(subscriptionId: string): string {
  return `subscription:${subscriptionId}`;
}
