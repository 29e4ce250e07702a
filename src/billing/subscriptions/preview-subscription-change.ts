import { newId } from '../../ids.js';
import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { requireLiveSubscription } from './require-subscription.js';
import { toChangePreviewView, type ChangePreviewView } from './change-views.js';
import type { ChangeItemsRequest } from './subscription-workflows.js';

/** What a change would do, computed by the workflow with the same code that applies it; nothing is applied. */
export async function previewSubscriptionChange(
  deps: Pick<SubscriptionCommandDependencies, 'prisma' | 'workflows'>,
  input: { tenantId: string; subscriptionId: string } & Omit<ChangeItemsRequest, 'changeId'>,
): Promise<ChangePreviewView> {
  const { tenantId, subscriptionId, ...change } = input;
  await requireLiveSubscription(deps.prisma, tenantId, subscriptionId);
  return toChangePreviewView(await deps.workflows.previewChange(subscriptionId, { ...change, changeId: `preview:${newId('chg')}` }));
}
