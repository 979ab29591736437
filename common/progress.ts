/**
 * The one progress display of every long-running command, on stderr: on a TTY one line rewritten in place (done of
 * total, rate, ETA) at most 5 times a second; otherwise a plain line every 5 seconds so CI logs stay readable.
 * The clock is injected so tests need no waiting.
 */
export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** The command, first word of the line: 'generate', 'migrate'. */
  label: string;
  /** What `done` counts, e.g. 'patients', 'records'. */
  unit: string;
  /** How many units are expected, when known (else no percentage and no ETA). */
  total: number | undefined;
  /** What the rate counts when it is not the unit (the generator finishes patients but its rate is resources/s). */
  itemUnit?: string;
  output: ProgressOutput;
  now?: () => number;
  /** Between lines: on a TTY (default 200 ms), otherwise (default 5 s). */
  intervalMs?: { tty: number; lines: number };
}

const DEFAULT_INTERVAL_MS = { tty: 200, lines: 5000 };

export class ProgressDisplay {
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastShownAt: number;
  private done = 0;
  private items = 0;
  private shownAny = false;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.lastShownAt = this.startedAt;
  }

  /** `done` units finished so far; `items` what the rate counts, when that is not the unit. */
  update(done: number, items = done): void {
    this.done = done;
    this.items = items;
    const now = this.now();
    const interval = (this.options.intervalMs ?? DEFAULT_INTERVAL_MS)[this.isTty() ? 'tty' : 'lines'];
    if (now - this.lastShownAt < interval) return;
    this.lastShownAt = now;
    this.show(now, false);
  }

  finish(done = this.done, items = this.options.itemUnit === undefined ? done : this.items): void {
    this.done = done;
    this.items = items;
    this.show(this.now(), true);
  }

  /** The text of the current line, e.g. "generate 1200/5000 patients (24%) 81234 resources 40617/s ETA 3s". */
  describe(now: number): string {
    const seconds = Math.max((now - this.startedAt) / 1000, 1e-3);
    const rate = Math.round(this.items / seconds);
    const { total, label, unit, itemUnit } = this.options;
    const items = itemUnit === undefined ? '' : ` ${this.items} ${itemUnit}`;
    if (total === undefined) return `${label} ${this.done} ${unit}${items} ${rate}/s`;
    const percent = total === 0 ? 100 : Math.floor((Math.min(this.done, total) / total) * 100);
    const etaSeconds =
      this.done === 0 ? undefined : Math.max(0, Math.round(((total - this.done) * seconds) / this.done));
    const eta = etaSeconds === undefined ? '?' : `${etaSeconds}s`;
    return `${label} ${this.done}/${total} ${unit} (${percent}%)${items} ${rate}/s ETA ${eta}`;
  }

  private isTty(): boolean {
    return this.options.output.isTTY === true;
  }

  private show(now: number, final: boolean): void {
    const text = this.describe(now);
    if (this.isTty()) {
      // A TTY line that was never drawn needs no closing newline: nothing else shares the terminal line.
      if (final && !this.shownAny && this.done === 0) return;
      this.options.output.write(`\r${text}\u001b[K${final ? '\n' : ''}`);
    } else this.options.output.write(`${text}\n`);
    this.shownAny = true;
  }
}
