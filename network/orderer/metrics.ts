/**
 * The orderer's Prometheus metrics, named as Fabric's orderer exports them (ledger_blockchain_height,
 * broadcast_processed_count, deliver_streams_opened/closed, deliver_blocks_sent, blockcutter_block_fill_duration), rendered in the text format.
 */

type Labels = Readonly<Record<string, string>>;

interface Series {
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, { labels: Labels; value: number }>;
}

function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

export class OrdererMetrics {
  private readonly series = new Map<string, Series>();

  constructor() {
    this.define('ledger_blockchain_height', 'gauge', 'Height of the chain in blocks.');
    this.define('broadcast_processed_count', 'counter', 'The number of transactions processed.');
    this.define('deliver_blocks_sent', 'counter', 'The number of blocks sent by the deliver service.');
    this.define(
      'deliver_streams_opened',
      'counter',
      'The number of GRPC streams that have been opened for the deliver service.',
    );
    this.define(
      'deliver_streams_closed',
      'counter',
      'The number of GRPC streams that have been closed for the deliver service.',
    );
    this.define(
      'deliver_requests_received',
      'counter',
      'The number of deliver requests that have been received.',
    );
    this.define(
      'blockcutter_block_fill_duration',
      'gauge',
      'Seconds from the first transaction queued to the block being cut (last block).',
    );
  }

  private define(name: string, type: Series['type'], help: string): void {
    this.series.set(name, { help, type, values: new Map() });
  }

  private entry(name: string, labels: Labels): { labels: Labels; value: number } {
    const series = this.series.get(name);
    if (!series) throw new Error(`metric ${name} is not defined`);
    const key = labelKey(labels);
    let entry = series.values.get(key);
    if (!entry) {
      entry = { labels, value: 0 };
      series.values.set(key, entry);
    }
    return entry;
  }

  add(name: string, labels: Labels, delta = 1): void {
    this.entry(name, labels).value += delta;
  }

  set(name: string, labels: Labels, value: number): void {
    this.entry(name, labels).value = value;
  }

  get(name: string, labels: Labels): number {
    return this.series.get(name)?.values.get(labelKey(labels))?.value ?? 0;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const [name, series] of this.series) {
      lines.push(`# HELP ${name} ${series.help}`, `# TYPE ${name} ${series.type}`);
      for (const { labels, value } of series.values.values()) {
        const key = labelKey(labels);
        lines.push(`${name}${key ? `{${key}}` : ''} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
