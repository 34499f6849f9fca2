/**
 * The request budget's arithmetic (GCRA), on a fake clock, checked against a plain token bucket of
 * the same rate and size (the way MediaConnect's quota is documented, and the simulator's).
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  afterThrottle,
  ARRIVAL_ALLOWANCE_MS,
  checkRequestBudgetLimits,
  FULL_BUCKET,
  MAX_RETRY_AFTER_MS,
  reserve,
  reserveWrite,
  tokensAvailable,
  waitFor,
  WRITE_HORIZON_MS,
  WRITE_SHARE,
  writeDeferral,
  type RequestBudgetLimits,
  type RequestBudgetState,
} from '../../src/common/request-budget-math';
import { seededRandom } from '../../src/testing/seeded-random';
import { thrownBy } from '../support/failures';

const LIMITS: RequestBudgetLimits = { requestsPerSecond: 5, burst: 30 };

/** Reserves `count` tokens at `nowMs`, returning the waits and the state after. */
function reserveMany(
  state: RequestBudgetState,
  count: number,
  nowMs: number,
  limits = LIMITS,
): { waits: number[]; state: RequestBudgetState } {
  const waits: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const r = reserve(state, limits, nowMs);
    waits.push(r.waitMs);
    state = r.state;
  }
  return { waits, state };
}

/** A token bucket as the service keeps it: full at first, refilled continuously, capped at its size. */
function tokenBucket(limits: RequestBudgetLimits) {
  let tokens = limits.burst;
  let lastMs = 0;
  return (atMs: number): boolean => {
    tokens = Math.min(limits.burst, tokens + ((atMs - lastMs) * limits.requestsPerSecond) / 1000);
    lastMs = atMs;
    if (tokens < 1 - 1e-9) return false;
    tokens -= 1;
    return true;
  };
}

describe('request budget (GCRA)', () => {
  it('lets a burst go at once from a full bucket, less the arrival allowance, then one request per interval', () => {
    const { waits } = reserveMany(FULL_BUCKET, 40, 1_000_000);
    const immediate = waits.filter((w) => w === 0).length;
    expect(immediate).toBe(LIMITS.burst - Math.ceil((ARRIVAL_ALLOWANCE_MS * LIMITS.requestsPerSecond) / 1000));
    const queued = waits.slice(immediate);
    for (let i = 1; i < queued.length; i += 1) expect(queued[i] - queued[i - 1]).toBeCloseTo(200, 6);
    // The 40th request goes no earlier than a full bucket allows: (40 - 30) intervals.
    expect(waits[39]).toBeGreaterThanOrEqual(10 * 200);
  });

  it('keeps a fast budget’s burst: the arrival allowance never costs more than half of it', () => {
    const fast = { requestsPerSecond: 1000, burst: 30 };
    const { waits } = reserveMany(FULL_BUCKET, 30, 0, fast);
    expect(waits.filter((w) => w === 0).length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...waits)).toBeLessThanOrEqual(30); // ms: at 1000/s nothing waits long
  });

  it('refills at the rate and never beyond the bucket size', () => {
    let { state } = reserveMany(FULL_BUCKET, 40, 0);
    // One second later: the debt shrank by 5 tokens but is not paid off.
    expect(reserve(state, LIMITS, 1_000).waitMs).toBeGreaterThan(0);
    // Ten minutes later the bucket is full again, and holds no more than 30.
    expect(tokensAvailable(state, LIMITS, 600_000)).toBe(LIMITS.burst);
    ({ state } = reserveMany(state, 0, 600_000));
    const later = reserveMany(state, 35, 600_000);
    expect(later.waits.filter((w) => w === 0).length).toBeLessThanOrEqual(LIMITS.burst);
  });

  it('never lets a request reach a token bucket of the same limits before it has a token, if it arrives between its slot and its deadline', () => {
    const random = seededRandom(42);
    for (const limits of [
      LIMITS,
      { requestsPerSecond: 50, burst: 100 },
      { requestsPerSecond: 1, burst: 3 },
      { requestsPerSecond: 1000, burst: 30 },
      { requestsPerSecond: 2, burst: 1 },
    ]) {
      for (let run = 0; run < 50; run += 1) {
        const bucket = tokenBucket(limits);
        let state = FULL_BUCKET;
        let nowMs = 1;
        const sends: number[] = [];
        // Workers that ask for more allowance than the default (slow reservation round trips).
        const askedAllowanceMs = random() < 0.5 ? undefined : random() * 3_000;
        for (let i = 0; i < 300; i += 1) {
          nowMs += random() < 0.3 ? random() * 3_000 : random() * 50; // quiet spells and bursts
          const r = reserve(state, limits, nowMs, askedAllowanceMs);
          state = r.state;
          // A request reaches the service anywhere from its slot to its deadline; a third arrive right at the deadline.
          sends.push(nowMs + r.waitMs + (random() < 0.3 ? r.lateMs : random() * r.lateMs));
        }
        const refused = sends.sort((a, b) => a - b).filter((at) => !bucket(at));
        expect({ limits, run, refused: refused.length }).toEqual({ limits, run, refused: 0 });
      }
    }
  });

  it('gives a token from a full bucket the arrival allowance to arrive, and a token from a booked bucket up to the burst’s worth of time', () => {
    expect(reserve(FULL_BUCKET, LIMITS, 0)).toMatchObject({ waitMs: 0, lateMs: ARRIVAL_ALLOWANCE_MS });
    // A worker whose reservations take 1 s asks for that much; its token from a full bucket may be that late.
    expect(reserve(FULL_BUCKET, LIMITS, 0, 1_000).lateMs).toBe(1_000);
    // Never more than half the burst's worth of time: at 1000/s with a burst of 30, 14.5 ms, whatever the worker asks.
    const fast = { requestsPerSecond: 1000, burst: 30 };
    expect(reserve(FULL_BUCKET, fast, 0).lateMs).toBeCloseTo(14.5, 6);
    expect(reserve(FULL_BUCKET, fast, 0, 1_000).lateMs).toBeCloseTo(14.5, 6);
    // A bucket of one still gets 250 ms (half an interval at most), from full and booked alike, at that cost in rate.
    const one = { requestsPerSecond: 0.025, burst: 1 };
    const first = reserve(FULL_BUCKET, one, 0);
    expect(first.lateMs).toBe(ARRIVAL_ALLOWANCE_MS);
    const second = reserve(first.state, one, 0);
    expect(second).toMatchObject({ waitMs: 40_000 + ARRIVAL_ALLOWANCE_MS, lateMs: ARRIVAL_ALLOWANCE_MS });
    // Booked 40 tokens ahead: the next request waits, and may arrive up to the burst less one interval late (whatever it asks).
    const { state } = reserveMany(FULL_BUCKET, 40, 0);
    const booked = reserve(state, LIMITS, 0, 5_000);
    expect(booked.waitMs).toBeGreaterThan(0);
    expect(booked.lateMs).toBeCloseTo((LIMITS.burst - 1) * 200, 6);
  });

  it('can be overspent by tokens that arrive after their deadline (why the activity forfeits them)', () => {
    // Two status checks of a quiet account, held up 5 s (a starved event loop), reach the service
    // just after a burst reserved at 5 s: the bucket lacks the tokens the checks did not spend in time.
    const bucket = tokenBucket(LIMITS);
    const early = reserveMany(FULL_BUCKET, 2, 0);
    const burst = reserveMany(early.state, 30, 5_000);
    const lateChecks = [0, 1].map(() => 5_000);
    expect(lateChecks[0]).toBeGreaterThan(reserve(FULL_BUCKET, LIMITS, 0).lateMs); // past its deadline
    const sends = [...burst.waits.map((w) => 5_000 + w), ...lateChecks].sort((a, b) => a - b);
    expect(sends.filter((at) => !bucket(at)).length).toBeGreaterThan(0);
  });

  it('treats the bucket as empty until a 429’s Retry-After has passed', () => {
    const state = afterThrottle(FULL_BUCKET, LIMITS, 10_000, 2_000);
    const { waits } = reserveMany(state, 2, 10_000);
    expect(waits[0]).toBe(2_000);
    expect(waits[1]).toBeGreaterThanOrEqual(2_200);
    // Without Retry-After: one interval.
    expect(reserve(afterThrottle(FULL_BUCKET, LIMITS, 0), LIMITS, 0).waitMs).toBe(200);
  });

  it('bounds a 429’s Retry-After: a day holds the budget back at most MAX_RETRY_AFTER_MS, and a non-finite or negative one counts as none', () => {
    const aDay = afterThrottle(FULL_BUCKET, LIMITS, 0, 86_400_000);
    expect(reserve(aDay, LIMITS, 0).waitMs).toBe(MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(60_000);
    // A minute later the budget hands out tokens again, the next ones at the rate.
    expect(reserve(aDay, LIMITS, MAX_RETRY_AFTER_MS).waitMs).toBe(0);
    for (const absurd of [Number.POSITIVE_INFINITY, Number.NaN, -5_000]) {
      expect(reserve(afterThrottle(FULL_BUCKET, LIMITS, 0, absurd), LIMITS, 0).waitMs).toBe(200);
    }
    // Throttles in a row never book the bucket more than the bound from now.
    let state = FULL_BUCKET;
    for (let i = 0; i < 100; i += 1) state = afterThrottle(state, LIMITS, 0, 86_400_000);
    expect(reserve(state, LIMITS, 0).waitMs).toBe(MAX_RETRY_AFTER_MS);
  });

  it.each([
    [{ requestsPerSecond: 0 }, /requestsPerSecond must be a number above 0/],
    [{ requestsPerSecond: -1 }, /requestsPerSecond must be a number above 0/],
    [{ requestsPerSecond: Number.NaN }, /requestsPerSecond must be a number above 0/],
    [
      { requestsPerSecond: '5' as unknown as number },
      /requestsPerSecond must be a number above 0 and at most 10000, got "5"/,
    ],
    [{ burst: 0 }, /burst must be a whole number from 1/],
    [{ burst: 2.5 }, /burst must be a whole number from 1/],
  ])('refuses the limits %j with an InvalidInput failure naming the field', (limits, message) => {
    const failure = thrownBy(() => checkRequestBudgetLimits(limits, 'requestBudget'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
      message: expect.stringMatching(message),
    });
  });

  it('defaults to MediaConnect’s documented quota: 5 requests/s, burst 30', () => {
    expect(checkRequestBudgetLimits(undefined, 'requestBudget')).toEqual({ requestsPerSecond: 5, burst: 30 });
  });
});

/** Books writes at `nowMs` until the budget defers one; returns the writes' waits and the state after. */
function bookWrites(state: RequestBudgetState, count: number, nowMs: number) {
  const waits: number[] = [];
  while (waits.length < count && !writeDeferral(state, LIMITS, nowMs)) {
    const r = reserveWrite(state, LIMITS, nowMs);
    waits.push(r.waitMs);
    state = r.state;
  }
  return { waits, state, deferral: writeDeferral(state, LIMITS, nowMs) };
}

describe('request budget lanes: writes just in time, reads first', () => {
  it('books writes only while the budget is booked no further than the horizon ahead, then defers them until it is back within it', () => {
    const { waits, state, deferral } = bookWrites(FULL_BUCKET, 1_000, 0);
    // The burst goes at once, then writes are booked at most the horizon ahead: not 1000, about 32.
    expect(waits.length).toBeLessThan(LIMITS.burst + (WRITE_HORIZON_MS * LIMITS.requestsPerSecond) / 1000 + 2);
    expect(Math.max(...waits)).toBeLessThanOrEqual(WRITE_HORIZON_MS);
    expect(deferral).toBeDefined();
    // Asking again when told, the budget is within the horizon again and books the next write.
    const again = deferral!.askAgainInMs;
    expect(waitFor(state, LIMITS, again)).toBeLessThanOrEqual(WRITE_HORIZON_MS);
    expect(writeDeferral(state, LIMITS, again)).toBeUndefined();
  });

  it('lets a read asked while hundreds of writes wait go after at most the horizon, where booked in order it would wait behind them all', () => {
    const lanes = bookWrites(FULL_BUCKET, 1_000, 0);
    expect(reserve(lanes.state, LIMITS, 0).waitMs).toBeLessThanOrEqual(WRITE_HORIZON_MS + 200);
    // The same 1000 writes booked in order, as before the lanes: the read waits 194 s.
    expect(reserve(reserveMany(FULL_BUCKET, 1_000, 0).state, LIMITS, 0).waitMs).toBeGreaterThan(190_000);
  });

  it('keeps the write lane its share of the rate while reads alone book the budget far ahead', () => {
    // Reads book 60 s ahead; writes ask every 50 ms for 20 s and get one in five of the rate, no more.
    let { state } = reserveMany(FULL_BUCKET, 330, 0);
    let writes = 0;
    for (let nowMs = 0; nowMs < 20_000; nowMs += 50) {
      if (writeDeferral(state, LIMITS, nowMs)) continue;
      state = reserveWrite(state, LIMITS, nowMs).state;
      writes += 1;
    }
    const share = 20 * LIMITS.requestsPerSecond * WRITE_SHARE;
    expect(writes).toBeGreaterThanOrEqual(share);
    expect(writes).toBeLessThanOrEqual(share + 1);
  });

  it('with reads and writes mixed at random, never lets a request reach a token bucket before it has a token, defers writes only past the horizon, and starves neither lane', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 40; run += 1) {
      const bucket = tokenBucket(LIMITS);
      let state = FULL_BUCKET;
      const sends: number[] = [];
      // Writes waiting to be booked, each with the time it may ask (again).
      let writesWaiting: number[] = [];
      let nowMs = 1;
      let writesBooked = 0;
      let lastWriteBookedMs = 0;
      let longestWriteGapMs = 0;
      for (let step = 0; step < 600; step += 1) {
        nowMs += random() * 120;
        if (random() < 0.3) writesWaiting.push(nowMs, nowMs, nowMs); // a fleet's starts
        if (random() < (run % 2 === 0 ? 0.3 : 0.9)) {
          // A read: booked at once.
          const r = reserve(state, LIMITS, nowMs);
          state = r.state;
          sends.push(nowMs + r.waitMs + random() * r.lateMs);
        }
        const due = writesWaiting.filter((at) => at <= nowMs);
        writesWaiting = writesWaiting.filter((at) => at > nowMs);
        for (const [i] of due.entries()) {
          const deferral = writeDeferral(state, LIMITS, nowMs);
          if (deferral) {
            // Deferred: booked past the horizon, and the lane had its share lately.
            expect(waitFor(state, LIMITS, nowMs)).toBeGreaterThan(WRITE_HORIZON_MS);
            writesWaiting.push(...due.slice(i).map(() => nowMs + deferral.askAgainInMs));
            break;
          }
          const r = reserveWrite(state, LIMITS, nowMs);
          state = r.state;
          sends.push(nowMs + r.waitMs + random() * r.lateMs);
          writesBooked += 1;
          longestWriteGapMs = Math.max(longestWriteGapMs, nowMs - lastWriteBookedMs);
          lastWriteBookedMs = nowMs;
        }
      }
      const refused = sends.sort((a, b) => a - b).filter((at) => !bucket(at)).length;
      expect({ run, refused }).toEqual({ run, refused: 0 });
      expect(writesBooked).toBeGreaterThan(0);
      // While writes wait, one is booked at least every share interval (1 s), give or take a step and a re-ask.
      expect(longestWriteGapMs).toBeLessThan(1_000 / (LIMITS.requestsPerSecond * WRITE_SHARE) + 2 * 120 + 200);
    }
  });
});
