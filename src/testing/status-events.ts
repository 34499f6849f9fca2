/**
 * The simulator's EventBridge side: a "MediaConnect Flow Status Change" event, in EventBridge's
 * exact envelope, for every change of a flow's status (a start, a stop, the end of STARTING or
 * STOPPING, a test's `updateFlow`), delivered to a callback or POSTed to an HTTP target. Like
 * EventBridge it may be told to lose, delay, duplicate and reorder events, so tests can show that
 * the timer loop still ends every wait.
 *
 * Statuses move lazily in the simulator (when someone looks); this watcher looks at each flow
 * after every call about it and sets a timer for the end of its STARTING or STOPPING, so an event
 * leaves when the change happens, not when the next DescribeFlow comes.
 */
import { randomUUID } from 'node:crypto';
import { FlowStatus } from '../common/flow-status';
import {
  FLOW_STATUS_CHANGE_DETAIL_TYPE,
  MEDIACONNECT_EVENT_SOURCE,
  type FlowStatusChangeEvent,
} from '../events/flow-status-event';
import type { FlowRecord } from './flow-clock';
import { seededRandom } from './seeded-random';

/** Where the events go and how faithfully. */
export interface FlowStatusEventOptions {
  /**
   * A function called with each event (it may return a promise), or an http(s) URL that receives
   * each event as the JSON body of a POST, as an EventBridge API destination would.
   */
  target: ((event: FlowStatusChangeEvent) => unknown) | string;
  /** Lose an event: with this probability (0 to 1), or when the function returns true. @default 0 */
  drop?: number | ((event: FlowStatusChangeEvent) => boolean);
  /** Deliver an event this many milliseconds after the change. @default 0 */
  delayMs?: number | ((event: FlowStatusChangeEvent) => number);
  /** Deliver every event this many extra times (EventBridge delivers at least once). @default 0 */
  duplicates?: number;
  /**
   * Hold events for this many milliseconds and then deliver the ones held, newest first
   * (EventBridge does not keep order). @default 0 (no reordering)
   */
  reorderWindowMs?: number;
  /** Seed of the dice behind `drop`. @default 1 */
  seed?: number;
}

/** What the simulator did with its events since they were turned on. */
export interface FlowStatusEventStats {
  /** Every event made (the latest 10,000), oldest first, whether delivered or not. */
  events: FlowStatusChangeEvent[];
  /** Deliveries that reached the target (duplicates count each). */
  delivered: number;
  dropped: number;
  /** Deliveries the target refused (threw, or answered an HTTP status of 300 or more). */
  failed: number;
}

const MAX_KEPT_EVENTS = 10_000;

export class FlowStatusEvents {
  private readonly lastStatus = new Map<string, FlowStatus>();
  private readonly clocks = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<NodeJS.Timeout>();
  /** Deliveries under way: a target may still be calling out (a forwarder signalling workflows). */
  private readonly delivering = new Set<Promise<void>>();
  private held: FlowStatusChangeEvent[] = [];
  private readonly random: () => number;
  private readonly stats: FlowStatusEventStats = { events: [], delivered: 0, dropped: 0, failed: 0 };

  /**
   * @param look the flow with this ARN, its status brought up to now; undefined once it is gone
   * @throws TypeError naming the option that cannot work
   */
  constructor(
    private readonly options: FlowStatusEventOptions,
    private readonly account: { accountId: string },
    private readonly look: (flowArn: string) => FlowRecord | undefined,
  ) {
    checkOptions(options);
    this.random = seededRandom(options.seed ?? 1);
  }

  /** Looks at a flow: emits an event when its status differs from the last one seen, and keeps its clock. */
  observe(flowArn: string | undefined): void {
    if (flowArn === undefined) return;
    const flow = this.look(flowArn);
    if (flow === undefined) {
      this.forget(flowArn);
      return;
    }
    const previous = this.lastStatus.get(flowArn);
    this.lastStatus.set(flowArn, flow.status);
    if (previous !== undefined && previous !== flow.status) this.emit(flow, previous);
    this.setClock(flow);
  }

  /** Counts and the events made so far. */
  report(): FlowStatusEventStats {
    return { ...this.stats, events: [...this.stats.events] };
  }

  /**
   * Cancels every clock and every delivery not made yet; resolves once the deliveries already under
   * way have ended, so that whatever their target calls (a Temporal client) can then be closed.
   */
  async stop(): Promise<void> {
    for (const timer of [...this.clocks.values(), ...this.pending]) clearTimeout(timer);
    this.clocks.clear();
    this.pending.clear();
    this.held = [];
    this.lastStatus.clear();
    await Promise.allSettled([...this.delivering]);
  }

  private forget(flowArn: string): void {
    this.lastStatus.delete(flowArn);
    clearTimeout(this.clocks.get(flowArn));
    this.clocks.delete(flowArn);
  }

  /** A timer at the end of STARTING (when it runs on time) or STOPPING: then the flow is looked at again. */
  private setClock(flow: FlowRecord): void {
    clearTimeout(this.clocks.get(flow.arn));
    this.clocks.delete(flow.arn);
    let endsAt: number | undefined;
    if (flow.status === FlowStatus.STARTING && flow.startingDescribes === undefined)
      endsAt = flow.since + flow.startingDuration;
    else if (flow.status === FlowStatus.STOPPING) endsAt = flow.since + flow.stoppingDuration;
    if (endsAt === undefined) return;
    const timer = setTimeout(() => this.observe(flow.arn), Math.max(0, endsAt - Date.now()));
    timer.unref?.();
    this.clocks.set(flow.arn, timer);
  }

  private emit(flow: FlowRecord, previousStatus: FlowStatus): void {
    const event: FlowStatusChangeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': FLOW_STATUS_CHANGE_DETAIL_TYPE,
      source: MEDIACONNECT_EVENT_SOURCE,
      account: this.account.accountId,
      time: new Date(flow.since).toISOString(),
      region: flow.region,
      resources: [flow.arn],
      detail: { previousStatus, currentStatus: flow.status },
    };
    this.stats.events.push(event);
    if (this.stats.events.length > MAX_KEPT_EVENTS) this.stats.events.shift();
    const { drop, delayMs = 0, reorderWindowMs = 0 } = this.options;
    if (typeof drop === 'function' ? drop(event) : this.random() < (drop ?? 0)) {
      this.stats.dropped += 1;
      return;
    }
    if (reorderWindowMs > 0) {
      this.held.push(event);
      if (this.held.length === 1) this.later(reorderWindowMs, () => this.releaseHeld());
      return;
    }
    this.later(typeof delayMs === 'function' ? delayMs(event) : delayMs, () => this.deliverAll(event));
  }

  private releaseHeld(): void {
    const held = this.held.reverse();
    this.held = [];
    const { delayMs = 0 } = this.options;
    for (const event of held)
      this.later(typeof delayMs === 'function' ? delayMs(event) : delayMs, () => this.deliverAll(event));
  }

  private later(ms: number, run: () => void): void {
    if (ms <= 0) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, ms);
    this.pending.add(timer);
  }

  private deliverAll(event: FlowStatusChangeEvent): void {
    for (let copy = 0; copy <= (this.options.duplicates ?? 0); copy++) {
      const delivery = this.deliver(event).finally(() => this.delivering.delete(delivery));
      this.delivering.add(delivery);
    }
  }

  private async deliver(event: FlowStatusChangeEvent): Promise<void> {
    const { target } = this.options;
    try {
      if (typeof target === 'function') await target(structuredClone(event));
      else {
        const answer = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
        });
        await answer.arrayBuffer();
        if (answer.status >= 300) throw new Error(`HTTP ${answer.status}`);
      }
      this.stats.delivered += 1;
    } catch {
      this.stats.failed += 1;
    }
  }
}

function checkOptions(options: FlowStatusEventOptions): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError('status event options must be an object with a target');
  const { target, drop, delayMs, duplicates, reorderWindowMs } = options;
  if (typeof target === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(target);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new TypeError(`target must be a function or an http(s) URL, got ${JSON.stringify(target)}`);
  } else if (typeof target !== 'function') {
    throw new TypeError('target must be a function or an http(s) URL');
  }
  if (typeof drop === 'number' && !(drop >= 0 && drop <= 1))
    throw new TypeError(`drop must be a probability from 0 to 1 or a function, got ${drop}`);
  if (typeof delayMs === 'number' && !(delayMs >= 0 && delayMs <= 3_600_000))
    throw new TypeError(`delayMs must be from 0 to 3600000 milliseconds or a function, got ${delayMs}`);
  if (duplicates !== undefined && !(Number.isInteger(duplicates) && duplicates >= 0 && duplicates <= 10))
    throw new TypeError(`duplicates must be a whole number from 0 to 10, got ${String(duplicates)}`);
  if (reorderWindowMs !== undefined && !(reorderWindowMs >= 0 && reorderWindowMs <= 3_600_000))
    throw new TypeError(`reorderWindowMs must be from 0 to 3600000 milliseconds, got ${String(reorderWindowMs)}`);
}
