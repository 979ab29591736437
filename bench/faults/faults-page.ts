/**
 * results/faults/: `faults.json` (every outcome with when and at which commit it was measured, and the machine)
 * and the machine-written README.md — per group a table of case, what was done, what happened, acknowledged vs on
 * the ledger, recovery seconds, PHI leaks and the verdict, failing cases listed as failing. Pure: bench-faults.ts
 * reads and writes the files.
 */
import type { RunEnvironment } from '../run-folder.js';
import type { FaultGroup } from './fault-case.js';
import type { RanOutcome } from './fault-runner.js';

export const FAULT_GROUPS: readonly FaultGroup[] = ['process', 'disk', 'auth', 'hostile-bytes'];

export interface StoredOutcome extends RanOutcome {
  /** The commit the case ran at; outcomes of earlier runs are kept when a run covers only some cases. */
  readonly commit: string;
}

export interface FaultsRecord {
  readonly experiment: 'faults';
  /** The latest run's machine and commit. */
  readonly environment: RunEnvironment;
  readonly command: string;
  readonly outcomes: readonly StoredOutcome[];
}

/**
 * The outcomes of this run replace earlier ones of the same case; the others are kept (a run of one group leaves the
 * other groups' rows). Sorted by `order` (every known case id), unknown ids last.
 */
export function mergeOutcomes(
  previous: readonly StoredOutcome[],
  now: readonly StoredOutcome[],
  order: readonly string[],
): StoredOutcome[] {
  const byId = new Map(previous.map((entry) => [entry.outcome.id, entry]));
  for (const entry of now) byId.set(entry.outcome.id, entry);
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  return [...byId.values()].sort((a, b) => rank(a.outcome.id) - rank(b.outcome.id));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function verdict(entry: StoredOutcome): string {
  if (entry.outcome.passed) return 'passed';
  const failed = Object.entries(entry.outcome.checks)
    .filter(([, held]) => !held)
    .map(([check]) => check);
  return `**FAILING**: ${failed.join('; ') || 'no check recorded'}`;
}

function ledgerCell(entry: StoredOutcome): string {
  const { acknowledged, onLedger } = entry.outcome;
  if (acknowledged === undefined && onLedger === undefined) return '—';
  return `${acknowledged ?? '?'} / ${onLedger ?? '?'}`;
}

/** When the rows were measured: per commit, the first and last case start (UTC minutes). */
function measuredWhen(entries: readonly StoredOutcome[]): string {
  const byCommit = new Map<string, string[]>();
  for (const entry of entries) {
    const minute = entry.startedAt.slice(0, 16).replace('T', ' ');
    byCommit.set(entry.commit, [...(byCommit.get(entry.commit) ?? []), minute]);
  }
  return [...byCommit.entries()]
    .map(([commit, minutes]) => {
      const sorted = [...minutes].sort();
      const first = sorted[0] ?? '';
      const last = sorted[sorted.length - 1] ?? '';
      return `at ${commit.slice(0, 10)}: ${first === last ? first : `${first} – ${last.slice(11)}`} UTC`;
    })
    .join('; ');
}

function groupSection(
  group: FaultGroup,
  entries: readonly StoredOutcome[],
  notes: readonly string[],
): string[] {
  const lines = [`## ${group}`, ''];
  for (const note of notes) lines.push(`- ${note}`);
  if (notes.length > 0) lines.push('');
  if (entries.length === 0) {
    lines.push('_No case of this group has run yet._', '');
    return lines;
  }
  lines.push(
    '| case | what was done | what happened | acknowledged / on ledger | recovery s | PHI leaks | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const entry of entries) {
    const o = entry.outcome;
    lines.push(
      `| \`${o.id}\` | ${cell(o.done)} | ${cell(o.happened)} | ${ledgerCell(entry)} | ${o.recoverySeconds ?? '—'} | ${o.phiLeaks ?? '—'} | ${cell(verdict(entry))} |`,
    );
  }
  lines.push('', `Measured ${measuredWhen(entries)}.`, '');
  return lines;
}

export function faultsPage(
  record: FaultsRecord,
  notes: Partial<Record<FaultGroup, readonly string[]>>,
): string {
  const env = record.environment;
  const outcomes = record.outcomes.map((entry) => entry.outcome);
  const failing = record.outcomes.filter((entry) => !entry.outcome.passed);
  const lost = outcomes.reduce(
    (sum, o) =>
      sum + (o.acknowledged !== undefined && o.onLedger !== undefined ? o.acknowledged - o.onLedger : 0),
    0,
  );
  const leaks = outcomes.reduce((sum, o) => sum + (o.phiLeaks ?? 0), 0);
  const lines = [
    '# Faults and hostile input on the live stack (issue 18)',
    '',
    '_Machine-written by `fhirledger bench faults` (bench/faults/); every outcome with its checks and raw figures is in_',
    '_`faults.json`. Do not edit: run the command again._',
    '',
    '| run | value |',
    '| --- | --- |',
    `| command | \`${cell(record.command)}\` |`,
    `| commit | ${env.commit}${env.dirty ? ' (uncommitted changes)' : ''} |`,
    `| machine | ${env.cpus} × ${cell(env.cpuModel)}, ${env.memoryGiB} GiB, ${env.platform} |`,
    `| node | ${env.node} |`,
    `| written | ${env.startedAt} |`,
    '',
    `**${outcomes.length} cases: ${outcomes.length - failing.length} passed, ${failing.length} failing.** ` +
      `Acknowledged writes not on the ledger: ${lost}. PHI leaks found: ${leaks}.`,
    '',
  ];
  if (failing.length > 0) {
    lines.push('Failing cases:', '');
    for (const entry of failing)
      lines.push(`- \`${entry.outcome.group}/${entry.outcome.id}\`: ${cell(verdict(entry))}`);
    lines.push('');
  }
  for (const group of FAULT_GROUPS) {
    const entries = record.outcomes.filter((entry) => entry.outcome.group === group);
    lines.push(...groupSection(group, entries, notes[group] ?? []));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
