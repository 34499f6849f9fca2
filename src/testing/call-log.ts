/** The record of every MediaConnect call the simulator received, and the counts over it. */
import { LIMITS } from './defaults';
import type { CallFilter, SimulatedCall, SimulatorStats } from './types';

function emptyStats(): SimulatorStats {
  return { total: 0, byOperation: {}, byRegion: {}, byHttpStatus: {}, throttled: 0, rateLimited: 0, dropped: 0 };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Keeps the latest `maxCalls` calls (a simulator left running for days, as in the compose stack,
 * must not grow without bound) and exact counts of all of them.
 */
export class CallLog {
  private recorded: SimulatedCall[] = [];
  private counters = emptyStats();

  constructor(private readonly maxCalls: number = LIMITS.maxRecordedCalls) {}

  record(call: SimulatedCall): void {
    const clean: SimulatedCall = { operation: call.operation, region: call.region, at: call.at };
    if (call.flowArn !== undefined) clean.flowArn = call.flowArn;
    if (call.httpStatus !== undefined) clean.httpStatus = call.httpStatus;
    if (call.errorName !== undefined) clean.errorName = call.errorName;
    if (call.fault !== undefined) clean.fault = call.fault;
    this.recorded.push(clean);
    // Forget the oldest tenth at once, so trimming costs O(1) per call on average.
    if (this.recorded.length > this.maxCalls)
      this.recorded = this.recorded.slice(this.recorded.length - Math.floor(this.maxCalls * 0.9));
    const counters = this.counters;
    counters.total += 1;
    increment(counters.byOperation, call.operation);
    increment(counters.byRegion, call.region);
    if (call.httpStatus === undefined) {
      counters.dropped += 1;
      return;
    }
    increment(counters.byHttpStatus, String(call.httpStatus));
    if (call.httpStatus === 429 || call.fault === 'throttle') counters.throttled += 1;
    if (call.fault === 'rateLimit') counters.rateLimited += 1;
  }

  calls(filter: CallFilter = {}): SimulatedCall[] {
    return this.recorded
      .filter(
        (call) =>
          (filter.operation === undefined || call.operation === filter.operation) &&
          (filter.flowArn === undefined || call.flowArn === filter.flowArn) &&
          (filter.region === undefined || call.region === filter.region),
      )
      .map((call) => ({ ...call }));
  }

  stats(): SimulatorStats {
    const counters = this.counters;
    return {
      ...counters,
      byOperation: { ...counters.byOperation },
      byRegion: { ...counters.byRegion },
      byHttpStatus: { ...counters.byHttpStatus },
    };
  }

  reset(): void {
    this.recorded = [];
    this.counters = emptyStats();
  }
}
