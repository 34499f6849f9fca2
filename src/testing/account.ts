/** The simulated account: its regions and its flows, created, changed and looked up through the TypeScript API. */
import { flowArnProblem, parseFlowArn, partitionOfRegion } from '../common/arn';
import { FlowStatus } from '../common/flow-status';
import { validateFlowPatch } from './checks';
import { DEFAULTS, LIMITS } from './defaults';
import { enter, type FlowRecord } from './flow-clock';
import { FlowStore } from './flow-store';
import type { AlreadyStartedAnswer, SimulatedFlowBatchOptions, SimulatedFlowOptions, SimulatorOptions } from './types';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SimulatedAccount {
  readonly accountId: string;
  /** The default region. */
  readonly region: string;
  readonly regions: ReadonlySet<string>;
  readonly alreadyStartedAnswer: AlreadyStartedAnswer;
  readonly flows: FlowStore;
  private readonly defaultStartingDuration: number;
  private readonly defaultStoppingDuration: number;

  constructor(
    options: SimulatorOptions,
    private readonly random: () => number,
  ) {
    this.accountId = options.accountId ?? DEFAULTS.accountId;
    this.region = options.region ?? DEFAULTS.region;
    this.regions = new Set(options.regions ?? [this.region]);
    this.alreadyStartedAnswer = options.alreadyStartedAnswer ?? DEFAULTS.alreadyStartedAnswer;
    this.defaultStartingDuration = options.defaultStartingDuration ?? DEFAULTS.defaultStartingDuration;
    this.defaultStoppingDuration = options.defaultStoppingDuration ?? DEFAULTS.defaultStoppingDuration;
    this.flows = new FlowStore(options.deletingDuration ?? DEFAULTS.deletingDuration);
  }

  /** @throws TypeError when the name cannot be part of a flow ARN, the region is not served or an option is invalid. */
  createFlow(options: SimulatedFlowOptions): string {
    const { name, region } = this.checkNewFlow(options);
    const arn = this.arnFor(region, `1-${this.randomId(16)}-${this.randomId(12)}`, name);
    this.flows.add({
      arn,
      name,
      region,
      status: options.status ?? FlowStatus.STANDBY,
      since: Date.now(),
      startingDuration: options.startingDuration ?? this.defaultStartingDuration,
      startingDescribes: options.startingDescribes,
      describesWhileStarting: 0,
      stoppingDuration: options.stoppingDuration ?? this.defaultStoppingDuration,
      outcome: options.outcome ?? 'ACTIVE',
      errorMessages: options.errorMessages ?? [...DEFAULTS.errorMessages],
      alreadyStartedAnswer: options.alreadyStartedAnswer,
    });
    return arn;
  }

  /** @throws TypeError when `count` is not a whole number from 1 to 100,000 or an option is invalid; then no flow is made. */
  createFlows(count: number, options: SimulatedFlowBatchOptions = {}): string[] {
    if (!Number.isInteger(count) || count < 1 || count > LIMITS.maxBatch) {
      throw new TypeError(`count must be a whole number from 1 to ${LIMITS.maxBatch}, got ${String(count)}`);
    }
    const { prefix = DEFAULTS.batchPrefix, ...flowOptions } = options ?? {};
    if (typeof prefix !== 'string') throw new TypeError(`prefix must be a string, got ${typeof prefix}`);
    this.checkNewFlow({ ...flowOptions, name: `${prefix}-${count}` }); // the longest name: all or nothing
    return Array.from({ length: count }, (_, i) => this.createFlow({ ...flowOptions, name: `${prefix}-${i + 1}` }));
  }

  /** @throws Error when the flow does not exist, or TypeError when the patch renames it, moves it or is invalid. */
  updateFlow(flowArn: string, patch: Partial<SimulatedFlowOptions>): void {
    const flow = this.existing(flowArn);
    validateFlowPatch(patch);
    if (patch.name !== undefined && patch.name !== flow.name) {
      throw new TypeError(
        `a flow's name is part of its ARN and cannot change (from "${flow.name}" to "${patch.name}")`,
      );
    }
    if (patch.region !== undefined && patch.region !== flow.region) {
      throw new TypeError(
        `a flow's region is part of its ARN and cannot change (from ${flow.region} to ${patch.region})`,
      );
    }
    if (patch.startingDuration !== undefined) flow.startingDuration = patch.startingDuration;
    if (patch.startingDescribes !== undefined) flow.startingDescribes = patch.startingDescribes;
    if (patch.stoppingDuration !== undefined) flow.stoppingDuration = patch.stoppingDuration;
    if (patch.outcome !== undefined) flow.outcome = patch.outcome;
    if (patch.errorMessages !== undefined) flow.errorMessages = [...patch.errorMessages];
    if (patch.alreadyStartedAnswer !== undefined) flow.alreadyStartedAnswer = patch.alreadyStartedAnswer;
    if (patch.status !== undefined) enter(flow, patch.status);
  }

  /** @throws Error when the flow does not exist (or its deletion has completed). */
  existing(flowArn: string): FlowRecord {
    const flow = this.flows.get(flowArn);
    if (flow === undefined) throw new Error(`no simulated flow has the ARN ${flowArn}`);
    return flow;
  }

  /** The region in a well-formed flow ARN. */
  static regionOf(flowArn: string): string {
    return parseFlowArn(flowArn).region;
  }

  /** Checks a new flow's options without making it. */
  private checkNewFlow(options: SimulatedFlowOptions): { name: string; region: string } {
    if (options === null || typeof options !== 'object')
      throw new TypeError('flow options must be an object with a name');
    validateFlowPatch(options);
    const name: unknown = options.name;
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('name is required: a non-empty string');
    const region: unknown = options.region ?? this.region;
    if (typeof region !== 'string' || !this.regions.has(region)) {
      throw new TypeError(
        `region ${String(region)} is not one this simulator serves (${[...this.regions].join(', ')}); add it to SimulatorOptions.regions`,
      );
    }
    const problem = flowArnProblem(this.arnFor(region, '1-a', name));
    if (problem !== undefined) throw new TypeError(`name "${name}" cannot be part of a flow ARN: ${problem}`);
    return { name, region };
  }

  private arnFor(region: string, flowId: string, name: string): string {
    return `arn:${partitionOfRegion(region)}:mediaconnect:${region}:${this.accountId}:flow:${flowId}:${name}`;
  }

  private randomId(length: number): string {
    let id = '';
    for (let i = 0; i < length; i++) id += ALNUM[Math.floor(this.random() * ALNUM.length)];
    return id;
  }
}
