/**
 * Measuring helpers shared by the benchmarks: the process's CPU and peak memory over a run,
 * call rates from the simulator's record, and plain-text tables.
 */
import type { SimulatedCall } from '../src/testing';

/** CPU time and peak resident memory of this process between `start` and `stop`. */
export class ResourceMeter {
  private readonly cpuAt = process.cpuUsage();
  private peakRss = process.memoryUsage().rss;
  private readonly sampler = setInterval(() => {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
  }, 200);

  /** Stops sampling; returns CPU milliseconds (user + system) and peak RSS in MiB. */
  stop(): { cpuMs: number; peakRssMiB: number } {
    clearInterval(this.sampler);
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
    const cpu = process.cpuUsage(this.cpuAt);
    return { cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMiB: Math.round(this.peakRss / 2 ** 20) };
  }
}

/** The most calls that arrived within any one second, and the calls in the first second after `fromMs`. */
export function callRates(calls: SimulatedCall[], fromMs: number): { peakPerSecond: number; firstSecond: number } {
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  let peakPerSecond = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= 1000) i++;
    peakPerSecond = Math.max(peakPerSecond, j - i + 1);
  }
  return { peakPerSecond, firstSecond: times.filter((t) => t >= fromMs && t < fromMs + 1000).length };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function seconds(ms: number, digits = 1): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(digits) : 'n/a';
}

/** A GitHub-flavoured Markdown table: readable in a terminal, pasteable into the README. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** Resolves with `promise`, or with `fallback()` once `ms` have passed. */
export async function within<T>(promise: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
