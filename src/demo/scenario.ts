/**
 * The demo's event day: a handful of flows whose STARTING phase lasts a little more or less than
 * the others, one that ends in ERROR with the kind of messages MediaConnect reports, and one that
 * MediaConnect throttles (429 with Retry-After on StartFlow and DescribeFlow) but that still
 * comes up. The plan is pure; `createDemoFlows` puts it into a simulator.
 */
import type { MediaConnectSimulator } from '../testing/simulator';

/** What a demo flow is there to show. */
export type DemoRole = 'steady' | 'error' | 'throttled';

/** One flow of the demo, before it exists. */
export interface DemoFlowPlan {
  name: string;
  role: DemoRole;
  /** Milliseconds the flow stays STARTING. */
  startingMs: number;
  /** How its bring-up should end: ACTIVE, or failed with this failure type. */
  expected: 'ACTIVE' | 'FlowError';
  /** What DescribeFlow reports once the flow is in ERROR (the `error` flow only). */
  errorMessages?: string[];
}

/** One flow of the demo, created in the simulator. */
export interface DemoFlow extends DemoFlowPlan {
  flowArn: string;
}

/** Options of {@link planDemoFlows}. */
export interface DemoScenarioOptions {
  /** How many flows. At least 3 (one steady, one in ERROR, one throttled). @default 6 */
  flows?: number;
  /** Typical STARTING time in seconds; each flow varies it by up to 40%. @default 8 */
  startingSeconds?: number;
  /** What DescribeFlow reports for the flow that ends in ERROR. @default two MediaConnect-style messages */
  errorMessages?: readonly string[];
}

export const DEMO_DEFAULTS = { flows: 6, startingSeconds: 8 } as const;
/** The demo needs at least a steady flow, an ERROR flow and a throttled one. */
export const MIN_DEMO_FLOWS = 3;
export const MAX_DEMO_FLOWS = 100;

const NAMES = [
  'MainStage',
  'RedCarpet',
  'Backstage',
  'PressRoom',
  'CourtsideCam',
  'StudioB',
  'SkyCam',
  'FanZone',
  'Interviews',
  'Podium',
  'RemoteStudio',
  'OverflowFeed',
];
/** Spread of STARTING times around the typical one: fixed, so every run looks the same. */
const STARTING_FACTORS = [1, 0.75, 1.2, 0.9, 1.4, 0.6, 1.1, 0.85, 1.3, 0.7];
const ERROR_INDEX = 1;
const THROTTLED_INDEX = 2;

/** Scripted throttling of the throttled flow: 429s with Retry-After, fewer than the retries allow. */
export const DEMO_THROTTLING = [
  { operation: 'StartFlow', times: 2, retryAfterSeconds: 2 },
  { operation: 'DescribeFlow', times: 2, retryAfterSeconds: 1 },
] as const;

/** Plans the demo's flows. @throws RangeError naming the option when out of bounds. */
export function planDemoFlows(options: DemoScenarioOptions = {}): DemoFlowPlan[] {
  const count = options.flows ?? DEMO_DEFAULTS.flows;
  const startingSeconds = options.startingSeconds ?? DEMO_DEFAULTS.startingSeconds;
  if (!Number.isInteger(count) || count < MIN_DEMO_FLOWS || count > MAX_DEMO_FLOWS) {
    throw new RangeError(`--flows must be a whole number from ${MIN_DEMO_FLOWS} to ${MAX_DEMO_FLOWS}, got ${count}`);
  }
  if (!Number.isFinite(startingSeconds) || startingSeconds < 0 || startingSeconds > 600) {
    throw new RangeError(`--starting-seconds must be a number from 0 to 600, got ${startingSeconds}`);
  }
  return Array.from({ length: count }, (_, i) => {
    const name = NAMES[i] ?? `Feed${String(i + 1).padStart(2, '0')}`;
    const startingMs = Math.round(startingSeconds * 1000 * STARTING_FACTORS[i % STARTING_FACTORS.length]);
    if (i === ERROR_INDEX) {
      return {
        name,
        role: 'error',
        startingMs,
        expected: 'FlowError',
        errorMessages: options.errorMessages
          ? [...options.errorMessages]
          : [
              `Source "${name}-camera1" could not connect: no SRT caller reached port 5000 within 30 seconds (allowed CIDR 203.0.113.0/24)`,
              `Output "${name}-to-MediaLive" failed: destination 198.51.100.7:5000 is unreachable`,
            ],
      };
    }
    return { name, role: i === THROTTLED_INDEX ? 'throttled' : 'steady', startingMs, expected: 'ACTIVE' };
  });
}

/** Creates the planned flows in the simulator (in STANDBY) and scripts the throttled flow's 429s. */
export function createDemoFlows(simulator: MediaConnectSimulator, plans: readonly DemoFlowPlan[]): DemoFlow[] {
  return plans.map((plan) => {
    const flowArn = simulator.createFlow({
      name: plan.name,
      startingDuration: plan.startingMs,
      ...(plan.role === 'error' && { outcome: 'ERROR', errorMessages: plan.errorMessages }),
    });
    if (plan.role === 'throttled') {
      for (const { operation, times, retryAfterSeconds } of DEMO_THROTTLING) {
        simulator.injectFault({
          kind: 'throttle',
          operation,
          flowArn,
          times,
          retryAfterSeconds,
          message: `Rate exceeded for ${operation} (simulated).`,
        });
      }
    }
    return { ...plan, flowArn };
  });
}

/** True when a bring-up ended as the plan says (the ERROR flow failing with FlowError counts). */
export function endedAsPlanned(flow: DemoFlowPlan, outcome: { state: string; failure?: { type: string } }): boolean {
  return flow.expected === 'ACTIVE'
    ? outcome.state === 'active'
    : outcome.state === 'failed' && outcome.failure?.type === flow.expected;
}
