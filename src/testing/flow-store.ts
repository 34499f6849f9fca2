/**
 * The simulated account's flows: found by ARN in O(1), listed per region in creation order in
 * O(page), so an account of many thousands of flows stays cheap to describe and to page through.
 */
import { settle, type FlowRecord } from './flow-clock';

/** Flows of one region in creation (seq) order; may still hold deleted ones until compacted. */
interface RegionIndex {
  flows: FlowRecord[];
  /** How many entries of `flows` are deleted. */
  stale: number;
}

export class FlowStore {
  private readonly byArn = new Map<string, FlowRecord>();
  private readonly byRegion = new Map<string, RegionIndex>();
  private nextSeq = 1;

  constructor(private readonly deletingDuration: number) {}

  /** Adds a flow, giving it the next creation number. */
  add(flow: Omit<FlowRecord, 'seq'>): FlowRecord {
    const record: FlowRecord = { ...flow, seq: this.nextSeq++ };
    this.byArn.set(record.arn, record);
    let index = this.byRegion.get(record.region);
    if (index === undefined) {
      index = { flows: [], stale: 0 };
      this.byRegion.set(record.region, index);
    }
    index.flows.push(record);
    return record;
  }

  /** The flow with this ARN, its status brought up to now; undefined when it does not exist (or its deletion completed). */
  get(flowArn: string): FlowRecord | undefined {
    const flow = this.byArn.get(flowArn);
    if (flow === undefined) return undefined;
    if (settle(flow, this.deletingDuration)) return flow;
    this.remove(flow);
    return undefined;
  }

  /**
   * Up to `size` existing flows of `region` created after `afterSeq`, in creation order, and
   * whether more follow. Costs O(size) plus the deleted flows it steps over.
   */
  page(region: string, afterSeq: number, size: number): { flows: FlowRecord[]; more: boolean } {
    const index = this.byRegion.get(region);
    if (index === undefined) return { flows: [], more: false };
    // A compaction during the walk replaces index.flows; the walk goes on over the array it started with.
    const entries = index.flows;
    const flows: FlowRecord[] = [];
    for (let i = firstAfter(entries, afterSeq); i < entries.length; i++) {
      if (this.get(entries[i].arn) !== entries[i]) continue;
      if (flows.length === size) return { flows, more: true };
      flows.push(entries[i]);
    }
    return { flows, more: false };
  }

  /** Every existing flow, in creation order. O(all flows): for the TypeScript and control APIs. */
  all(): FlowRecord[] {
    return [...this.byArn.values()].filter((flow) => this.get(flow.arn) !== undefined).sort((a, b) => a.seq - b.seq);
  }

  clear(): void {
    this.byArn.clear();
    this.byRegion.clear();
    this.nextSeq = 1;
  }

  private remove(flow: FlowRecord): void {
    this.byArn.delete(flow.arn);
    const index = this.byRegion.get(flow.region);
    if (index === undefined) return;
    index.stale += 1;
    // Compact once deleted entries are the majority, so paging never steps over more dead than live.
    if (index.stale > 32 && index.stale * 2 > index.flows.length) {
      index.flows = index.flows.filter((entry) => this.byArn.get(entry.arn) === entry);
      index.stale = 0;
    }
  }
}

/** Index of the first flow whose seq is above `afterSeq` (binary search: `flows` is in seq order). */
function firstAfter(flows: FlowRecord[], afterSeq: number): number {
  let low = 0;
  let high = flows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (flows[mid].seq <= afterSeq) low = mid + 1;
    else high = mid;
  }
  return low;
}
