/**
 * The contract every fault case of issue 18 keeps, so one command (`fhirledger bench faults`) can run them all and
 * write one machine-made page (results/faults/), and the tests in `npm test` can run the same cases and assert on
 * the same outcome. A case does something hostile to a live devnet or stack, then measures what happened; it never
 * decides its verdict from anything but observed facts (statuses, audits, ledger reads, logs).
 */

/** Which part of issue 18 a case belongs to; the page has one section per group. */
export type FaultGroup = 'process' | 'disk' | 'auth' | 'hostile-bytes';

export interface FaultOutcome {
  /** Stable kebab-case id, e.g. `peer-kill-during-load`; the page's anchor and the tests' handle. */
  id: string;
  group: FaultGroup;
  /** What was done, one sentence a reader of the page understands without the code. */
  done: string;
  /** What happened, one or two sentences from the observed facts (statuses, error texts, counts). */
  happened: string;
  /** Whether every expectation held; a failing case stays on the page, listed as failing. */
  passed: boolean;
  /** Each expectation checked and whether it held, e.g. `{ 'client got 503 or retryable': true }`. */
  checks: Record<string, boolean>;
  /** Writes the clients were told succeeded (HTTP 2xx, migration checkpoint), where the case makes writes. */
  acknowledged?: number;
  /** Of those, how many the audit found on the ledger with the same content. */
  onLedger?: number;
  /** Seconds from the restart (or the end of the fault) until the first successful request, where measured. */
  recoverySeconds?: number;
  /** PHI found in responses or logs (patient names, birth dates, identifiers), where the case looks for it. */
  phiLeaks?: number;
  /** Anything else worth keeping as raw data (no tokens, keys or PHI). */
  details?: Record<string, unknown>;
}

export interface FaultContext {
  /** A port offset reserved for this case; the case adds its own ports to it and uses nothing else. */
  portOffset: number;
  /** A scratch folder for this case (devnet home, k6 output); deleted by the runner afterwards. */
  workDir: string;
  /** Progress lines for a human watching the bench (stderr). */
  log: (line: string) => void;
}

export interface FaultCase {
  id: string;
  group: FaultGroup;
  /** One line for `bench faults --list`. */
  summary: string;
  run: (context: FaultContext) => Promise<FaultOutcome>;
}
