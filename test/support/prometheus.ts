import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One sample line of the Prometheus text format: `name{label="value",...} value`. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the samples of a `/metrics` answer (comments skipped). */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE_LINE.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(LABEL)].map((m) => [m[1], m[2].replace(/\\(.)/g, '$1')]),
    );
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when there are none). */
export function sampleValue(samples: PrometheusSample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);
}

/** The repository's Grafana dashboard (deploy/grafana/dashboards/mediaconnect.json). */
export const DASHBOARD_PATH = path.resolve(
  __dirname,
  '..',
  '..',
  'deploy',
  'grafana',
  'dashboards',
  'mediaconnect.json',
);

/**
 * Every series selector (`name{label="value",...}`) in the dashboard's panel queries: the metric,
 * and the labels the query matches on or groups by (`sum by (...)`).
 */
export function dashboardSelectors(): Array<{ panel: string; metric: string; labels: string[] }> {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  return dashboard.panels.flatMap((panel) =>
    panel.targets.flatMap(({ expr }) =>
      [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map((m) => ({
        panel: panel.title,
        metric: m[1],
        labels: [
          ...[...m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=~?/g)].map((l) => l[1]),
          ...[...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((by) => by[1].split(',').map((label) => label.trim())),
        ],
      })),
    ),
  );
}
