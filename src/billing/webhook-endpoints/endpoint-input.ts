import { z } from 'zod';
import { isEventType } from '../events/event-catalog.js';
import type { WebhookUrlPolicy } from './address-policy.js';
import type { HostResolver } from './webhook-url.js';

/** What the endpoint operations need beyond the database: the deployment's URL policy, and DNS. */
export interface WebhookEndpointDependencies {
  urlPolicy: WebhookUrlPolicy;
  resolveHost?: HostResolver;
}

/** A catalog type, or every type of one object (`invoice.*`). */
export const eventTypeFilterSchema = z.string().refine((type) => isEventType(type) || /^[a-z_]+\.\*$/.test(type), 'is not an event type of the catalog (nor a prefix such as invoice.*)');

export const endpointFields = {
  url: z.string().trim().min(1).max(2048),
  description: z.string().trim().max(500).nullable(),
  eventTypes: z.array(eventTypeFilterSchema).max(100),
  enabled: z.boolean(),
};

/** Whether an endpoint subscribed to `filters` wants an event of `type` (no filters: every type). */
export function wantsEvent(filters: readonly string[], type: string): boolean {
  if (filters.length === 0) return true;
  return filters.some((filter) => filter === type || (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))));
}
