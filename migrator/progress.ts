/**
 * Progress on stderr: on a TTY one updating line with records/s and, when the input was pre-counted, an ETA;
 * otherwise a plain line every few seconds, so logs stay readable.
 */
export interface ProgressOptions {
  write: (text: string) => void;
  isTty: boolean;
  /** Records expected (all passes), when known. */
  total: number | undefined;
  now: () => number;
  intervalMs?: number;
}

export class Progress {
  private readonly startedAt: number;
  private lastShown = 0;
  private shownAny = false;

  constructor(private readonly options: ProgressOptions) {
    this.startedAt = options.now();
  }

  update(seen: number): void {
    const now = this.options.now();
    const interval = this.options.intervalMs ?? (this.options.isTty ? 200 : 10_000);
    if (now - this.lastShown < interval) return;
    this.lastShown = now;
    this.show(seen, now);
  }

  finish(seen: number): void {
    this.show(seen, this.options.now());
    if (this.options.isTty && this.shownAny) this.options.write('\n');
  }

  private show(seen: number, now: number): void {
    const seconds = Math.max(0.001, (now - this.startedAt) / 1000);
    const rate = Math.round(seen / seconds);
    const total = this.options.total;
    const of = total === undefined ? '' : `/${total}`;
    const eta =
      total !== undefined && rate > 0 && seen <= total
        ? `, ETA ${formatDuration((total - seen) / rate)}`
        : '';
    const line = `records ${seen}${of}, ${rate} records/s${eta}`;
    this.shownAny = true;
    this.options.write(this.options.isTty ? `\r${line.padEnd(70)}` : `${line}\n`);
  }
}

export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return `${minutes}:${String(whole % 60).padStart(2, '0')}`;
}
