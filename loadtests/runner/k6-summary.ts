/**
 * The parts of k6's `--summary-export` JSON the runner reads. In that format a threshold maps to `true` when it
 * was CROSSED (failed) and `false` when it held.
 */

export interface K6Summary {
  metrics: Record<string, K6SummaryMetric>;
  root_group?: K6Group;
}

export type K6SummaryMetric = Record<string, unknown> & { thresholds?: Record<string, boolean> };

export interface K6Group {
  name: string;
  groups?: Record<string, K6Group>;
  checks?: Record<string, { name: string; passes: number; fails: number }>;
}

export interface ThresholdOutcome {
  metric: string;
  expression: string;
  crossed: boolean;
}

export function parseK6Summary(text: string, source: string): K6Summary {
  const value: unknown = JSON.parse(text);
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { metrics?: unknown }).metrics !== 'object'
  ) {
    throw new SyntaxError(`${source} is not a k6 summary export (no "metrics" object)`);
  }
  return value as K6Summary;
}

export function thresholdOutcomes(summary: K6Summary): ThresholdOutcome[] {
  const outcomes: ThresholdOutcome[] = [];
  for (const [metric, entry] of Object.entries(summary.metrics)) {
    for (const [expression, crossed] of Object.entries(entry.thresholds ?? {})) {
      outcomes.push({ metric, expression, crossed });
    }
  }
  return outcomes.sort(
    (a, b) => a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression),
  );
}

export function allChecks(group: K6Group | undefined): { name: string; passes: number; fails: number }[] {
  if (group === undefined) return [];
  const own = Object.values(group.checks ?? {});
  return [...own, ...Object.values(group.groups ?? {}).flatMap((child) => allChecks(child))];
}

export function metricNumber(summary: K6Summary, metric: string, stat: string): number | undefined {
  const value = summary.metrics[metric]?.[stat];
  return typeof value === 'number' ? value : undefined;
}
