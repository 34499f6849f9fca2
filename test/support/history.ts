import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { FailureType } from '../../src/common/failure-types';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

/** The events of one workflow run, read from the server. */
export async function historyOf(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

/** Activity types scheduled in a history, in order (`['describeFlow', 'startFlow', ...]`). */
export function scheduledActivities(events: HistoryEvent[]): string[] {
  return events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
}

/**
 * The attempt number of each finished activity of a type, as the server recorded it on the
 * ActivityTaskStarted event (retries add no events: the last attempt's number is what is kept).
 */
export function activityAttempts(events: HistoryEvent[], activityType: string): number[] {
  const scheduledIds = new Set(
    events
      .filter(
        (e) =>
          e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
          e.activityTaskScheduledEventAttributes?.activityType?.name === activityType,
      )
      .map((e) => String(e.eventId)),
  );
  return events
    .filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED &&
        scheduledIds.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId)),
    )
    .map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
}

/** How many events of a type the history holds. */
export function countEvents(events: HistoryEvent[], type: keyof typeof EventType): number {
  return events.filter((e) => e.eventType === EventType[type]).length;
}

/** The start-to-fire timeouts (ms) of the timers a history started, in order. */
export function timersStartedMs(events: HistoryEvent[]): number[] {
  return events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)
    .map((e) => {
      const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
      return Number(timeout?.seconds ?? 0) * 1000 + Math.round((timeout?.nanos ?? 0) / 1e6);
    });
}

/** Per finished activity of a type: server time from scheduling to the start of its last attempt. */
export function activityStartDelaysMs(events: HistoryEvent[], activityType: string): number[] {
  const scheduledAt = new Map<string, number>();
  for (const e of events) {
    if (
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === activityType
    ) {
      scheduledAt.set(String(e.eventId), timeMs(e));
    }
  }
  return events
    .filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED &&
        scheduledAt.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId)),
    )
    .map((e) => timeMs(e) - scheduledAt.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId))!);
}

function timeMs(e: HistoryEvent): number {
  return Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
}

/** Failures that end an attempt before it calls MediaConnect (see README, "Failure types"). */
export const BUDGET_FAILURES = [
  FailureType.RequestBudgetExhausted,
  FailureType.RequestBudgetUnavailable,
  FailureType.RequestBudgetWriteQueued,
];

/** The failure type of the attempt before the recorded (last) start of an activity. */
export function lastFailureType(events: HistoryEvent[], activityType: string): string | undefined {
  const scheduled = events.find(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === activityType,
  );
  const started = events.find(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED &&
      String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
  );
  return started?.activityTaskStartedEventAttributes?.lastFailure?.applicationFailureInfo?.type ?? undefined;
}
