/**
 * The event day's child workflows: the fleet that brings its flows online (`<id>/online`), the
 * restarts of flows that dropped during the event (`<id>/restart-<name>-<flow id>-<n>`) and the fleet
 * that takes them offline (`<id>/offline`), each recording its outcome in the flows' records.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  executeChild,
  isCancellation,
  log,
  workflowInfo,
} from '@temporalio/workflow';
import { boundedNote, noteStatus, type FlowRecord, type IncidentRecord } from '../common/event-day-records';
import { FlowStatus, isFlowStatus } from '../common/flow-status';
import {
  FlowArnSearchAttribute,
  FlowNameSearchAttribute,
  FlowRegionSearchAttribute,
} from '../common/search-attributes';
import { bringFleetOnline, type FleetFlowResult } from './bring-fleet-online';
import { bringFlowOnline } from './bring-flow-online';
import { flowOf, iso, progressLine, showProgress, type EventDay } from './event-day-state';
import { takeFleetOffline } from './take-fleet-offline';

/** How long a restart (a child `bringFlowOnline`) may take to make its flow ACTIVE again. */
const RESTART_TIMEOUT = '10m';

/**
 * Runs the fleet's bring-up (cancelled by `endEvent`), warns if `onlineBy` comes first, and records
 * readiness: every flow ACTIVE when the bring-up ended.
 */
export async function bringOnline(day: EventDay): Promise<void> {
  const { state } = day;
  const fleet = startFleet(day);
  const onTime = await condition(() => fleet.settled || day.endRequested, Math.max(1, state.onlineByMs - Date.now()));
  if (!onTime) {
    log.warn('The flows are not all ACTIVE at onlineBy; the bring-up goes on', { onlineBy: iso(state.onlineByMs) });
    showProgress(day);
  }
  await condition(() => fleet.settled || day.endRequested);
  if (!fleet.settled) fleet.scope.cancel();
  const failure = await fleet.failure;
  if (failure !== undefined) {
    if (isCancellation(failure) && !day.endRequested) throw failure as Error;
    const why = day.endRequested ? 'CANCELLED: the event ended' : failureText(failure);
    if (!day.endRequested) log.warn('The fleet’s bring-up failed', { error: why });
    for (const record of state.flows)
      if (record.status !== FlowStatus.ACTIVE) record.bringUpFailure ??= boundedNote(why);
  }
  state.ready = state.flows.every((record) => record.status === FlowStatus.ACTIVE);
  state.readyAtMs = Date.now();
  if (state.ready) log.info('Event ready: every flow is ACTIVE', { flows: day.flowArns.length });
  else log.warn('Event not ready: some flows are not ACTIVE', progressLine(day));
  state.phase = day.endRequested ? 'TAKING_OFFLINE' : 'WATCHING';
  state.nextReadAtMs = Date.now() + day.input.watchIntervalMs;
  showProgress(day);
}

/** The fleet's bring-up, running: its scope, whether it has ended, and how it failed (undefined: its results are recorded). */
interface RunningFleet {
  readonly scope: CancellationScope;
  settled: boolean;
  readonly failure: Promise<unknown>;
}

function startFleet(day: EventDay): RunningFleet {
  const { state } = day;
  // Time enough to be ACTIVE by onlineBy, and for late flows after it: 15 to 60 min.
  const timeoutMs = Math.min(60 * 60_000, Math.max(15 * 60_000, state.onlineByMs - Date.now()));
  const region = workflowInfo().typedSearchAttributes.get(FlowRegionSearchAttribute);
  const scope = new CancellationScope();
  const fleet: RunningFleet = {
    scope,
    settled: false,
    failure: scope
      .run(() =>
        executeChild(bringFleetOnline, {
          workflowId: `${day.id}/online`,
          args: [{ flowArns: [...day.flowArns], timeout: timeoutMs }],
          staticSummary: `Bring ${day.flowArns.length} flows online`,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          // The fleet gives each bring-up its flow's name and region where it carries ours.
          ...(day.searchable &&
            region && { typedSearchAttributes: [{ key: FlowRegionSearchAttribute, value: region }] }),
        }),
      )
      .then(
        (result) => {
          result.results.forEach((flow, index) => recordBringUp(state.flows[index], flow));
          return undefined;
        },
        (err: unknown) => err,
      )
      .finally(() => {
        fleet.settled = true;
      }),
  };
  return fleet;
}

function recordBringUp(record: FlowRecord, flow: FleetFlowResult): void {
  if (flow.outcome === 'ACTIVE') {
    noteStatus(record, FlowStatus.ACTIVE, parseTime(flow.activeAt), false);
    return;
  }
  if (flow.lastStatus) noteStatus(record, flow.lastStatus, Date.now(), false);
  record.bringUpFailure = boundedNote(flow.failure ? `${flow.failure.type}: ${flow.failure.message}` : flow.outcome);
}

/** Restarts a flow that dropped during the event; the incident records how it went. */
export function startRestart(day: EventDay, index: number, incident: IncidentRecord): void {
  const record = day.state.flows[index];
  const flow = flowOf(day, index);
  record.restarts += 1;
  incident.restart = 'RUNNING';
  const scope = new CancellationScope();
  const done = scope
    .run(() =>
      executeChild(bringFlowOnline, {
        workflowId: `${day.id}/restart-${flow.flowName}-${flow.flowId}-${record.restarts}`,
        args: [{ flowArn: flow.arn, knownStatus: incident.status, timeout: RESTART_TIMEOUT }],
        staticSummary: `Restart ${flow.flowName} (${incident.status} during the event)`,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        ...(day.searchable && {
          typedSearchAttributes: [
            { key: FlowNameSearchAttribute, value: flow.flowName },
            { key: FlowRegionSearchAttribute, value: flow.region },
            // The EventBridge forwarder finds a flow's bring-ups by it, and signals the restart directly.
            { key: FlowArnSearchAttribute, value: flow.arn },
          ],
        }),
      }),
    )
    .then(
      (result) => {
        incident.restart = 'ACTIVE';
        noteStatus(record, FlowStatus.ACTIVE, parseTime(result.activeAt), false);
        log.info(`Flow ${flow.flowName} is ACTIVE again`, { flowArn: flow.arn });
      },
      (err: unknown) => {
        incident.restart = 'FAILED';
        record.restartFailure = boundedNote(isCancellation(err) ? 'CANCELLED: the event ended' : failureText(err));
        const lastStatus = failureLastStatus(err);
        if (lastStatus) noteStatus(record, lastStatus, Date.now(), false);
        log.warn(`Restarting flow ${flow.flowName} failed`, { flowArn: flow.arn, failure: record.restartFailure });
      },
    )
    .finally(() => {
      day.restarts.delete(index);
      day.woken = true;
      showProgress(day);
    });
  day.restarts.set(index, { scope, done });
}

/** Takes every flow offline with a child `takeFleetOffline` (`<id>/offline`) and records when each was STANDBY. */
export async function takeOffline(day: EventDay): Promise<void> {
  const { state } = day;
  state.activeAtOffline = state.flows.filter((record) => record.status === FlowStatus.ACTIVE).length;
  showProgress(day);
  const result = await executeChild(takeFleetOffline, {
    workflowId: `${day.id}/offline`,
    args: [{ flowArns: [...day.flowArns] }],
    staticSummary: `Take ${day.flowArns.length} flows offline`,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
  result.results.forEach((flow, index) => {
    const record = state.flows[index];
    if (flow.outcome === 'STANDBY') {
      const standbyAtMs = parseTime(flow.standbyAt);
      noteStatus(record, FlowStatus.STANDBY, standbyAtMs, false);
      record.stoppedAtMs = standbyAtMs;
      return;
    }
    if (flow.lastStatus) noteStatus(record, flow.lastStatus, Date.now(), false);
    record.offlineFailure = boundedNote(flow.failure ? `${flow.failure.type}: ${flow.failure.message}` : flow.outcome);
    log.warn('A flow of the event could not be taken offline', {
      flowArn: flow.flowArn,
      failure: record.offlineFailure,
    });
  });
}

function failureText(err: unknown): string {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

function failureLastStatus(err: unknown): FlowStatus | undefined {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { lastStatus?: unknown }) : undefined;
  return isFlowStatus(details?.lastStatus) ? details.lastStatus : undefined;
}

function parseTime(isoTime: string | undefined): number {
  const ms = isoTime === undefined ? NaN : Date.parse(isoTime);
  return Number.isNaN(ms) ? Date.now() : ms;
}
