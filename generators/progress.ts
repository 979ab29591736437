/**
 * Progress on stderr: on a TTY one line rewritten in place (rate, ETA) at most 5 times a second; otherwise a plain
 * line every 5 seconds so CI logs stay readable. The clock is injected so tests need no waiting.
 */
export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  totalPatients: number;
  output: ProgressOutput;
  now?: () => number;
}

const TTY_INTERVAL_MS = 200;
const LINE_INTERVAL_MS = 5000;

export class ProgressReporter {
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastShownAt: number;
  private resources = 0;
  private patients = 0;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.lastShownAt = this.startedAt;
  }

  update(resourcesAdded: number, patientsDone: number): void {
    this.resources += resourcesAdded;
    this.patients = patientsDone;
    const now = this.now();
    const interval = this.options.output.isTTY === true ? TTY_INTERVAL_MS : LINE_INTERVAL_MS;
    if (now - this.lastShownAt < interval) return;
    this.lastShownAt = now;
    this.show(now, false);
  }

  finish(): void {
    this.show(this.now(), true);
  }

  /** The text of the current line, e.g. "generate 1200/5000 patients (24%) 81234 resources 40617/s ETA 3s". */
  describe(now: number): string {
    const seconds = Math.max((now - this.startedAt) / 1000, 1e-3);
    const rate = Math.round(this.resources / seconds);
    const total = this.options.totalPatients;
    const percent = total === 0 ? 100 : Math.floor((this.patients / total) * 100);
    const etaSeconds =
      this.patients === 0 ? undefined : Math.round(((total - this.patients) * seconds) / this.patients);
    const eta = etaSeconds === undefined ? '?' : `${etaSeconds}s`;
    return `generate ${this.patients}/${total} patients (${percent}%) ${this.resources} resources ${rate}/s ETA ${eta}`;
  }

  private show(now: number, final: boolean): void {
    const text = this.describe(now);
    if (this.options.output.isTTY === true)
      this.options.output.write(`\r${text}\u001b[K${final ? '\n' : ''}`);
    else this.options.output.write(`${text}\n`);
  }
}
