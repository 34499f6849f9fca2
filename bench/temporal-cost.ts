/**
 * What a set of workflows cost in Temporal: history events and bytes, and billable actions as
 * Temporal Cloud counts them (workflow and child starts, activity attempts, timers, signals,
 * search-attribute upserts, updates), read from the workflows' histories on the server.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

export interface TemporalCost {
  workflows: number;
  events: number;
  bytes: number;
  /** The largest single run's history, bytes. */
  largestHistoryBytes: number;
  actions: {
    workflowStarts: number;
    activityAttempts: number;
    timers: number;
    signals: number;
    upserts: number;
    updates: number;
  };
}

export const NO_COST: TemporalCost = {
  workflows: 0,
  events: 0,
  bytes: 0,
  largestHistoryBytes: 0,
  actions: { workflowStarts: 0, activityAttempts: 0, timers: 0, signals: 0, upserts: 0, updates: 0 },
};

/** Total billable actions of a cost. */
export function actionsOf(cost: TemporalCost): number {
  return Object.values(cost.actions).reduce((sum, n) => sum + n, 0);
}

export function addCosts(a: TemporalCost, b: TemporalCost): TemporalCost {
  const actions = { ...a.actions };
  for (const key of Object.keys(actions) as Array<keyof TemporalCost['actions']>) actions[key] += b.actions[key];
  return {
    workflows: a.workflows + b.workflows,
    events: a.events + b.events,
    bytes: a.bytes + b.bytes,
    largestHistoryBytes: Math.max(a.largestHistoryBytes, b.largestHistoryBytes),
    actions,
  };
}

/** The cost of one run's history. */
export function costOfHistory(history: temporal.api.history.v1.IHistory): TemporalCost {
  const events = history.events ?? [];
  const count = (type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;
  // Retries add no events: each finished activity's last attempt number is on its ActivityTaskStarted.
  const attempts = events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
    .reduce((sum, e) => sum + (e.activityTaskStartedEventAttributes?.attempt ?? 1), 0);
  const neverStarted =
    count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) - count(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  return {
    workflows: 1,
    events: events.length,
    bytes,
    largestHistoryBytes: bytes,
    actions: {
      workflowStarts: count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      activityAttempts: attempts + Math.max(0, neverStarted),
      timers: count(EventType.EVENT_TYPE_TIMER_STARTED),
      signals: count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      upserts: count(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
      updates: count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    },
  };
}

/** The cost of every run (continue-as-new included) of each workflow id, a few ids at a time. */
export async function costOfWorkflows(client: Client, workflowIds: string[]): Promise<TemporalCost> {
  let total = NO_COST;
  for (let i = 0; i < workflowIds.length; i += 20) {
    const costs = await Promise.all(workflowIds.slice(i, i + 20).map((id) => costOfWorkflow(client, id)));
    for (const cost of costs) total = addCosts(total, cost);
  }
  return total;
}

/** Every run of a workflow id, from the latest back along continue-as-new (no visibility query: it may lag). */
async function costOfWorkflow(client: Client, workflowId: string): Promise<TemporalCost> {
  let total = NO_COST;
  let runId: string | undefined;
  do {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    total = addCosts(total, costOfHistory(history));
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  } while (runId);
  return total;
}
