import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { SubscriptionWorkflows, WorkflowInspection } from '../billing/subscriptions/subscription-workflows.js';
import {
  billingPreviewQuery,
  cancelUpdate,
  changeItemsUpdate,
  creditInvoiceUpdate,
  getStateQuery,
  pauseCollectionUpdate,
  paymentMethodUpdatedSignal,
  usageAccruedSignal,
  payInvoiceUpdate,
  previewChangeUpdate,
  resumeCollectionUpdate,
  voidInvoiceUpdate,
} from '../../workflows/subscription-messages.js';
import type { subscriptionWorkflow } from '../../workflows/subscription.js';
import { translatingTemporalFailures } from './temporal-failures.js';
import { invoiceWorkflowId, subscriptionWorkflowId } from './workflow-ids.js';
import { standingOfStatus } from './temporal-subscription-workflow-probe.js';
import { creditOneOffInvoiceUpdate, invoicePaymentMethodUpdatedSignal, payOneOffInvoiceUpdate, voidOneOffInvoiceUpdate } from '../../workflows/invoice-collection-messages.js';
import type { invoiceCollectionWorkflow } from '../../workflows/invoice-collection.js';
import { failure } from '../billing/failures.js';

type SubscriptionHandle = WorkflowHandle<typeof subscriptionWorkflow>;

const QUERY_DEADLINE_MS = 3_000;
/** A read that asked for the live view waits at most this long for it. */
const LIVE_STATE_DEADLINE_MS = 1_000;

/** The subscription workflows on Temporal: starts, Updates, signals and queries, failures in the billing vocabulary. */
export class TemporalSubscriptionWorkflows implements SubscriptionWorkflows {
  constructor(
    private readonly client: Client,
    /** The task queue workflows are started on (the worker's TEMPORAL_TASK_QUEUE). */
    private readonly taskQueue: string,
  ) {}

  private handle(subscriptionId: string): SubscriptionHandle {
    return this.client.workflow.getHandle<typeof subscriptionWorkflow>(subscriptionWorkflowId(subscriptionId));
  }

  start(input: { tenantId: string; subscriptionId: string }): Promise<void> {
    return translatingTemporalFailures(async () => {
      try {
        await this.client.workflow.start<typeof subscriptionWorkflow>('subscriptionWorkflow', {
          taskQueue: this.taskQueue,
          workflowId: subscriptionWorkflowId(input.subscriptionId),
          args: [{ tenantId: input.tenantId, subscriptionId: input.subscriptionId }],
          staticSummary: `Subscription ${input.subscriptionId} (tenant ${input.tenantId})`,
        });
      } catch (error) {
        // The workflow id is the subscription's: a retried create finds the running workflow.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    });
  }

  exists(subscriptionId: string): Promise<boolean> {
    return translatingTemporalFailures(async () => {
      try {
        await this.handle(subscriptionId).describe();
        return true;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    });
  }

  async liveState(subscriptionId: string) {
    try {
      return await this.client.withDeadline(Date.now() + LIVE_STATE_DEADLINE_MS, () => this.handle(subscriptionId).query(getStateQuery));
    } catch {
      return null; // ended long ago, or no worker is polling
    }
  }

  async inspect(subscriptionId: string): Promise<WorkflowInspection> {
    const handle = this.handle(subscriptionId);
    let workflow: WorkflowInspection['workflow'];
    try {
      workflow = standingOfStatus((await this.client.withDeadline(Date.now() + LIVE_STATE_DEADLINE_MS, () => handle.describe())).status.name);
    } catch (error) {
      workflow = error instanceof WorkflowNotFoundError ? 'missing' : 'unknown';
    }
    // A server that did not describe in time will not answer a query either.
    return { workflow, live: workflow === 'missing' || workflow === 'unknown' ? null : await this.liveState(subscriptionId) };
  }

  billingPreview(subscriptionId: string) {
    return translatingTemporalFailures(() => this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => this.handle(subscriptionId).query(billingPreviewQuery)));
  }

  changeItems(subscriptionId: string, request: Parameters<SubscriptionWorkflows['changeItems']>[1], updateId: string) {
    return translatingTemporalFailures(() => this.handle(subscriptionId).executeUpdate(changeItemsUpdate, { args: [request], updateId }));
  }

  previewChange(subscriptionId: string, request: Parameters<SubscriptionWorkflows['previewChange']>[1]) {
    return translatingTemporalFailures(() => this.handle(subscriptionId).executeUpdate(previewChangeUpdate, { args: [request] }));
  }

  cancel(subscriptionId: string, request: Parameters<SubscriptionWorkflows['cancel']>[1]): Promise<void> {
    return translatingTemporalFailures(async () => void (await this.handle(subscriptionId).executeUpdate(cancelUpdate, { args: [request] })));
  }

  pauseCollection(subscriptionId: string): Promise<void> {
    return translatingTemporalFailures(async () => void (await this.handle(subscriptionId).executeUpdate(pauseCollectionUpdate)));
  }

  resumeCollection(subscriptionId: string): Promise<void> {
    return translatingTemporalFailures(async () => void (await this.handle(subscriptionId).executeUpdate(resumeCollectionUpdate)));
  }

  payInvoice(subscriptionId: string, invoiceId: string, updateId: string) {
    return translatingTemporalFailures(() => this.handle(subscriptionId).executeUpdate(payInvoiceUpdate, { args: [{ invoiceId }], updateId }));
  }

  voidInvoice(subscriptionId: string, invoiceId: string, updateId: string): Promise<void> {
    return translatingTemporalFailures(async () => void (await this.handle(subscriptionId).executeUpdate(voidInvoiceUpdate, { args: [{ invoiceId }], updateId })));
  }

  async usageAccrued(subscriptionIds: readonly string[]): Promise<void> {
    await translatingTemporalFailures(() =>
      Promise.all(
        subscriptionIds.map(async (subscriptionId) => {
          try {
            await this.handle(subscriptionId).signal(usageAccruedSignal);
          } catch (error) {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          }
        }),
      ),
    );
  }

  async paymentMethodUpdated(subscriptionIds: readonly string[], paymentMethodId: string): Promise<void> {
    await translatingTemporalFailures(() =>
      Promise.all(
        subscriptionIds.map(async (subscriptionId) => {
          try {
            await this.handle(subscriptionId).signal(paymentMethodUpdatedSignal, { paymentMethodId });
          } catch (error) {
            // A workflow that has ended simply isn't told.
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          }
        }),
      ),
    );
  }

  startInvoiceCollection(input: { tenantId: string; invoiceId: string; attemptsBefore: number }): Promise<void> {
    return translatingTemporalFailures(async () => {
      try {
        await this.client.workflow.start<typeof invoiceCollectionWorkflow>('invoiceCollectionWorkflow', {
          taskQueue: this.taskQueue,
          workflowId: invoiceWorkflowId(input.invoiceId),
          args: [{ tenantId: input.tenantId, invoiceId: input.invoiceId, attemptsBefore: input.attemptsBefore }],
          staticSummary: `One-off invoice ${input.invoiceId} (tenant ${input.tenantId})`,
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    });
  }

  /** An Update to the invoice's workflow; a workflow that has finished answers `collection_ended`. */
  private async invoiceUpdate<T>(invoiceId: string, work: (handle: WorkflowHandle<typeof invoiceCollectionWorkflow>) => Promise<T>): Promise<T> {
    try {
      return await translatingTemporalFailures(() => work(this.client.workflow.getHandle<typeof invoiceCollectionWorkflow>(invoiceWorkflowId(invoiceId))));
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'subscription_ended') {
        throw failure('collection_ended', `Nothing is collecting invoice ${invoiceId} any more`, { invoiceId });
      }
      throw error;
    }
  }

  payOneOffInvoice(invoiceId: string, updateId: string) {
    return this.invoiceUpdate(invoiceId, (handle) => handle.executeUpdate(payOneOffInvoiceUpdate, { updateId }));
  }

  creditInvoice(subscriptionId: string, request: Parameters<SubscriptionWorkflows['creditInvoice']>[1], updateId: string) {
    return translatingTemporalFailures(() => this.handle(subscriptionId).executeUpdate(creditInvoiceUpdate, { args: [request], updateId }));
  }

  creditOneOffInvoice(invoiceId: string, request: Parameters<SubscriptionWorkflows['creditOneOffInvoice']>[1], updateId: string) {
    return this.invoiceUpdate(invoiceId, (handle) => handle.executeUpdate(creditOneOffInvoiceUpdate, { args: [request], updateId }));
  }

  async oneOffInvoicesPaymentMethodUpdated(invoiceIds: readonly string[]): Promise<void> {
    await translatingTemporalFailures(() =>
      Promise.all(
        invoiceIds.map(async (invoiceId) => {
          try {
            await this.client.workflow.getHandle(invoiceWorkflowId(invoiceId)).signal(invoicePaymentMethodUpdatedSignal);
          } catch (error) {
            // Dunning over: nothing collects it; pay now starts a new run.
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          }
        }),
      ),
    );
  }

  voidOneOffInvoice(invoiceId: string, updateId: string): Promise<void> {
    return this.invoiceUpdate(invoiceId, async (handle) => void (await handle.executeUpdate(voidOneOffInvoiceUpdate, { updateId })));
  }
}
