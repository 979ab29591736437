/**
 * The gateway's Prometheus metrics, with a small hand-written text exposition (format 0.0.4) so no extra package is
 * needed: request count and latency per route/method/status, ledger phase latencies from PhaseTimings, ledger calls
 * in flight and waiting, retries and refusals.
 */
import type { PhaseTimings } from '../common/ehr-contract.js';

const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = LATENCY_BUCKETS_SECONDS,
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    const entry = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((bound, at) => {
      if (value <= bound) entry.counts[at] = (entry.counts[at] ?? 0) + 1;
    });
    entry.sum += value;
    entry.count += 1;
    this.series.set(key, entry);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, at) => {
        lines.push(`${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${counts[at] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines;
  }
}

export interface GaugeSource {
  inFlight: number;
  queued: number;
}

export class GatewayMetrics {
  readonly requests = new Counter(
    'fhirledger_gateway_requests_total',
    'HTTP requests by route, method and status',
  );
  readonly requestSeconds = new Histogram(
    'fhirledger_gateway_request_duration_seconds',
    'HTTP request latency by route, method and status',
  );
  readonly ledgerPhaseSeconds = new Histogram(
    'fhirledger_gateway_ledger_phase_seconds',
    'Ledger write latency by phase (endorse, submit, commit) and transaction',
  );
  readonly ledgerRetries = new Counter(
    'fhirledger_gateway_ledger_retries_total',
    'Automatic retries of writes after MVCC_READ_CONFLICT',
  );
  readonly ledgerRefusals = new Counter(
    'fhirledger_gateway_ledger_refusals_total',
    'Ledger calls refused before reaching the ledger, by reason (overloaded, deadline)',
  );

  constructor(private readonly gauges: GaugeSource) {}

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  observePhases(tx: string, timings: PhaseTimings): void {
    this.ledgerPhaseSeconds.observe({ tx, phase: 'endorse' }, timings.endorseMs / 1000);
    this.ledgerPhaseSeconds.observe({ tx, phase: 'submit' }, timings.submitMs / 1000);
    this.ledgerPhaseSeconds.observe({ tx, phase: 'commit' }, timings.commitMs / 1000);
  }

  render(): string {
    const lines = [
      ...this.requests.render(),
      ...this.requestSeconds.render(),
      ...this.ledgerPhaseSeconds.render(),
      ...this.ledgerRetries.render(),
      ...this.ledgerRefusals.render(),
      '# HELP fhirledger_gateway_ledger_in_flight Ledger calls running now',
      '# TYPE fhirledger_gateway_ledger_in_flight gauge',
      `fhirledger_gateway_ledger_in_flight ${this.gauges.inFlight}`,
      '# HELP fhirledger_gateway_ledger_queue_depth Ledger calls waiting for a slot',
      '# TYPE fhirledger_gateway_ledger_queue_depth gauge',
      `fhirledger_gateway_ledger_queue_depth ${this.gauges.queued}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
