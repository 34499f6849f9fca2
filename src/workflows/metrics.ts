/**
 * What the workflows tell operators, through the workflow's metric meter: the worker forwards it to
 * the Temporal runtime's exporter, adding `namespace`, `task_queue` and `workflow_type` labels. The
 * SDK drops metrics while a workflow replays, so a history replayed after a worker restart or a
 * cache eviction is not counted twice.
 */
import { ContinueAsNew, isCancellation, metricMeter } from '@temporalio/workflow';
import { BRING_UP_ACTIVE, BRING_UP_CANCELLED, FLEET_STATUS_UNKNOWN, MetricNames } from '../common/metrics';
import { FlowStatus } from '../common/flow-status';

/**
 * Runs one bring-up run and, once the bring-up has ended (not when it continues as new), records
 * `mediaconnect_bring_ups_total{outcome}` and `mediaconnect_bring_up_duration_seconds{outcome}`:
 * `ACTIVE`, the failure's type (`FlowError`, `FlowStartTimeout`, `NotFoundException`...) or `CANCELLED`.
 *
 * @param startedAtMs when the bring-up began (carried over continue-as-new), workflow time.
 */
export async function measureBringUp<T>(startedAtMs: number, bringUp: () => Promise<T>): Promise<T> {
  try {
    const result = await bringUp();
    recordBringUp(BRING_UP_ACTIVE, startedAtMs);
    return result;
  } catch (err) {
    if (!(err instanceof ContinueAsNew)) recordBringUp(bringUpFailureOutcome(err), startedAtMs);
    throw err;
  }
}

function recordBringUp(outcome: string, startedAtMs: number): void {
  metricMeter.createCounter(MetricNames.bringUps, undefined, 'Finished bring-ups, by outcome').add(1, { outcome });
  metricMeter
    .createHistogram(
      MetricNames.bringUpDuration,
      'float',
      's',
      'Bring-up duration, from its start to ACTIVE or failure',
    )
    .record(Math.max(0, Date.now() - startedAtMs) / 1000, { outcome });
}

function bringUpFailureOutcome(err: unknown): string {
  if (isCancellation(err)) return BRING_UP_CANCELLED;
  const type = (err as { type?: unknown }).type;
  return typeof type === 'string' ? type : 'Error';
}

/**
 * Sets `mediaconnect_fleet_flows{status}` to the fleet's count of flows in each MediaConnect status
 * (every status, zeros included, so no series keeps a stale count).
 */
export function recordFleetFlows(statuses: ReadonlyArray<FlowStatus | undefined>): void {
  const counts = new Map<string, number>(
    [...Object.values(FlowStatus), FLEET_STATUS_UNKNOWN].map((status) => [status, 0]),
  );
  for (const status of statuses) {
    const key = status ?? FLEET_STATUS_UNKNOWN;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const gauge = metricMeter.createGauge(
    MetricNames.fleetFlows,
    'int',
    undefined,
    'Flows of the last fleet that reported, by MediaConnect status',
  );
  for (const [status, count] of counts) gauge.set(count, { status });
}
