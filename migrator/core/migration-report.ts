/**
 * Counting what a migration did and turning the counts into the JSON report and the readable summary. Pure: the
 * caller supplies times and ledger heights.
 */
import {
  FIX_DESCRIPTIONS,
  REJECT_DESCRIPTIONS,
  type FixCode,
  type RejectCode,
} from '../../common/migration-codes.js';
import type { Fix } from './issues.js';

export interface LedgerCounts {
  created: number;
  unchanged: number;
  conflict: number;
  invalid: number;
}

export const emptyLedgerCounts = (): LedgerCounts => ({
  created: 0,
  unchanged: 0,
  conflict: 0,
  invalid: 0,
});

export interface TypeCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

export class MigrationCounters {
  read = 0;
  accepted = 0;
  duplicates = 0;
  rejected = 0;
  assignedIds = 0;
  readonly byType = new Map<string, TypeCounts>();
  readonly fixRecords = new Map<FixCode, number>();
  readonly fixOccurrences = new Map<FixCode, number>();
  readonly rejects = new Map<RejectCode, number>();

  private type(name: string | undefined): TypeCounts {
    const key = name ?? '(unknown)';
    let counts = this.byType.get(key);
    if (counts === undefined) {
      counts = { accepted: 0, duplicates: 0, rejected: 0 };
      this.byType.set(key, counts);
    }
    return counts;
  }

  countFixes(fixes: readonly Fix[]): void {
    const seen = new Set<FixCode>();
    for (const fix of fixes) {
      this.fixOccurrences.set(fix.code, (this.fixOccurrences.get(fix.code) ?? 0) + 1);
      if (!seen.has(fix.code)) {
        seen.add(fix.code);
        this.fixRecords.set(fix.code, (this.fixRecords.get(fix.code) ?? 0) + 1);
      }
    }
  }

  countAccepted(resourceType: string): void {
    this.accepted += 1;
    this.type(resourceType).accepted += 1;
  }

  countDuplicate(resourceType: string): void {
    this.duplicates += 1;
    this.type(resourceType).duplicates += 1;
  }

  countRejected(resourceType: string | undefined, reason: RejectCode): void {
    this.rejected += 1;
    this.type(resourceType).rejected += 1;
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + 1);
  }
}

export type MigrationStatus = 'finished' | 'interrupted' | 'failed';

export interface MigrationReport {
  status: MigrationStatus;
  error?: { code: string; message: string };
  dryRun: boolean;
  inputs: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  records: { read: number; accepted: number; duplicates: number; rejected: number; assignedIds: number };
  ledger: LedgerCounts & { submitted: number };
  ledgerHeight: { before?: number; after?: number };
  byResourceType: Record<string, TypeCounts>;
  fixes: Record<string, { records: number; occurrences: number; description: string }>;
  rejects: Record<string, { records: number; description: string }>;
  throughput: { recordsPerSecond: number };
  resumedFrom?: number;
  files: { deadLetter?: string; fixLog?: string; checkpoint?: string };
}

export interface ReportInputs {
  status: MigrationStatus;
  error?: { code: string; message: string };
  dryRun: boolean;
  inputs: string[];
  startedAtMs: number;
  finishedAtMs: number;
  counters: MigrationCounters;
  ledger: LedgerCounts;
  ledgerHeight: { before?: number; after?: number };
  resumedFrom?: number;
  files: MigrationReport['files'];
}

export function buildReport(inputs: ReportInputs): MigrationReport {
  const { counters } = inputs;
  const durationMs = Math.max(0, inputs.finishedAtMs - inputs.startedAtMs);
  const fixes: MigrationReport['fixes'] = {};
  for (const code of [...counters.fixRecords.keys()].sort()) {
    fixes[code] = {
      records: counters.fixRecords.get(code) ?? 0,
      occurrences: counters.fixOccurrences.get(code) ?? 0,
      description: FIX_DESCRIPTIONS[code],
    };
  }
  const rejects: MigrationReport['rejects'] = {};
  for (const code of [...counters.rejects.keys()].sort()) {
    rejects[code] = { records: counters.rejects.get(code) ?? 0, description: REJECT_DESCRIPTIONS[code] };
  }
  const byResourceType: Record<string, TypeCounts> = {};
  for (const type of [...counters.byType.keys()].sort())
    byResourceType[type] = { ...(counters.byType.get(type) as TypeCounts) };
  const ledger = inputs.ledger;
  return {
    status: inputs.status,
    ...(inputs.error === undefined ? {} : { error: inputs.error }),
    dryRun: inputs.dryRun,
    inputs: inputs.inputs,
    startedAt: new Date(inputs.startedAtMs).toISOString(),
    finishedAt: new Date(inputs.finishedAtMs).toISOString(),
    durationMs: Math.round(durationMs),
    records: {
      read: counters.read,
      accepted: counters.accepted,
      duplicates: counters.duplicates,
      rejected: counters.rejected,
      assignedIds: counters.assignedIds,
    },
    ledger: { ...ledger, submitted: ledger.created + ledger.unchanged + ledger.conflict + ledger.invalid },
    ledgerHeight: inputs.ledgerHeight,
    byResourceType,
    fixes,
    rejects,
    throughput: { recordsPerSecond: durationMs > 0 ? Math.round((counters.read / durationMs) * 1000) : 0 },
    ...(inputs.resumedFrom === undefined ? {} : { resumedFrom: inputs.resumedFrom }),
    files: inputs.files,
  };
}

/** Every record the run did not load, whether the pipeline or the ledger refused it. */
export function notLoadedCount(report: MigrationReport): number {
  return report.records.rejected + report.ledger.conflict + report.ledger.invalid;
}

export function summaryText(report: MigrationReport): string {
  const lines: string[] = [];
  const seconds = (report.durationMs / 1000).toFixed(1);
  lines.push(
    `migration ${report.status}${report.dryRun ? ' (dry run: nothing submitted)' : ''} in ${seconds} s, ${report.throughput.recordsPerSecond} records/s`,
  );
  if (report.error !== undefined) lines.push(`  error: ${report.error.code}: ${report.error.message}`);
  const r = report.records;
  lines.push(
    `  records read ${r.read}: accepted ${r.accepted}, exact duplicates ${r.duplicates}, rejected ${r.rejected}`,
  );
  if (r.assignedIds > 0) lines.push(`  ids assigned from content hash: ${r.assignedIds}`);
  if (!report.dryRun) {
    const l = report.ledger;
    lines.push(
      `  ledger: created ${l.created}, unchanged ${l.unchanged}, conflict ${l.conflict}, invalid ${l.invalid}`,
    );
    const { before, after } = report.ledgerHeight;
    if (before !== undefined || after !== undefined) {
      lines.push(`  ledger height: ${before ?? '?'} → ${after ?? '?'}`);
    }
  }
  for (const [code, fix] of Object.entries(report.fixes)) {
    lines.push(`  fix ${code} ${fix.description}: ${fix.records} records (${fix.occurrences} fixes)`);
  }
  for (const [code, reject] of Object.entries(report.rejects)) {
    lines.push(`  reject ${code} ${reject.description}: ${reject.records}`);
  }
  for (const [type, counts] of Object.entries(report.byResourceType)) {
    lines.push(
      `  ${type}: accepted ${counts.accepted}, duplicates ${counts.duplicates}, rejected ${counts.rejected}`,
    );
  }
  if (report.files.deadLetter !== undefined && notLoadedCount(report) > 0) {
    lines.push(`  dead letter: ${report.files.deadLetter}`);
  }
  return `${lines.join('\n')}\n`;
}
