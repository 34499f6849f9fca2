/** The request budget MediaConnect enforces: one token bucket per region (quotas are per account and region). */
import type { RateLimit } from './types';

/** A classic token bucket: starts full, refills continuously at `requestsPerSecond` up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limit: RateLimit,
    now = Date.now(),
  ) {
    this.tokens = limit.burst;
    this.refilledAt = now;
  }

  /** Takes one token if there is one; false means the request is over budget. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(
      this.limit.burst,
      this.tokens + ((now - this.refilledAt) / 1000) * this.limit.requestsPerSecond,
    );
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** One full bucket per region, made on the region's first request; `false` lets everything through. */
export class RegionalRateLimit {
  private buckets = new Map<string, TokenBucket>();

  constructor(private readonly limit: RateLimit | false) {}

  take(region: string): boolean {
    if (this.limit === false) return true;
    let bucket = this.buckets.get(region);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limit);
      this.buckets.set(region, bucket);
    }
    return bucket.take();
  }

  /** Refills every bucket. */
  reset(): void {
    this.buckets.clear();
  }
}
