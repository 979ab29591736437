/**
 * `fhirledger bench faults [--group G] [--case ID] [--list]`: issue 18's fault cases (bench/faults/), one after
 * another, each on a network of its own, written to the fixed folder results/faults/ — `faults.json` and the
 * machine-written README.md. A run of some cases replaces their rows and keeps the others'. Exit 0 when every case
 * run passed, 1 when one failed (it is on the page as failing), 2 for a usage error.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ExitCode,
  readCommandConfig,
  stringFlag,
  UsageError,
  type CommandSpec,
  type ParsedArgs,
} from '../common/cli-args.js';
import { describeEnvironment } from './run-folder.js';
import { ALL_FAULT_CASES, FAULT_GROUP_NOTES } from './faults/all-cases.js';
import type { FaultCase, FaultGroup } from './faults/fault-case.js';
import { runFaultCases } from './faults/fault-runner.js';
import {
  FAULT_GROUPS,
  faultsPage,
  mergeOutcomes,
  type FaultsRecord,
  type StoredOutcome,
} from './faults/faults-page.js';

const RESULTS = path.join('results', 'faults');
/** The bench's port offsets, taken in turn by the cases (tests use their own). */
const PORT_OFFSETS = [23000, 33000];

const SPEC: CommandSpec = {
  usage: 'fhirledger bench faults [--group G] [--case ID] [--list]',
  summary:
    "Runs issue 18's fault cases against live networks it starts (one per case) and writes results/faults/faults.json " +
    'and README.md. Exit 0 every case passed, 1 a case failed, 2 usage.',
  flags: {
    group: { type: 'string', valueName: 'G', description: `only this group (${FAULT_GROUPS.join(', ')})` },
    case: { type: 'string', valueName: 'ID', description: 'only this case (see --list)' },
    list: { type: 'boolean', description: 'list the cases and exit' },
  },
};

interface FaultsConfig {
  cases: readonly FaultCase[];
  list: boolean;
}

function selectCases(args: ParsedArgs): FaultsConfig {
  const group = stringFlag(args.values, 'group');
  const id = stringFlag(args.values, 'case');
  if (group !== undefined && !FAULT_GROUPS.includes(group as FaultGroup))
    throw new UsageError(`--group "${group}" is not one of ${FAULT_GROUPS.join(', ')}`);
  if (id !== undefined && !ALL_FAULT_CASES.some((fault) => fault.id === id))
    throw new UsageError(`--case "${id}" is not a fault case; fhirledger bench faults --list shows them`);
  const cases = ALL_FAULT_CASES.filter(
    (fault) => (group === undefined || fault.group === group) && (id === undefined || fault.id === id),
  );
  if (cases.length === 0) throw new UsageError(`no case of group ${group ?? ''} is named ${id ?? ''}`);
  return { cases, list: args.values.list === true };
}

function previousOutcomes(file: string): StoredOutcome[] {
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as FaultsRecord).outcomes.filter((entry) =>
    ALL_FAULT_CASES.some((fault) => fault.id === entry.outcome.id),
  );
}

async function benchFaults(args: readonly string[]): Promise<number> {
  const read = readCommandConfig('fhirledger bench faults', SPEC, args, selectCases);
  if ('exitCode' in read) return read.exitCode;
  const { cases, list } = read.config;
  if (list) {
    const width = Math.max(...cases.map((fault) => fault.id.length)) + 2;
    for (const fault of cases)
      process.stdout.write(`${fault.group.padEnd(14)} ${fault.id.padEnd(width)} ${fault.summary}\n`);
    return ExitCode.OK;
  }
  const environment = describeEnvironment();
  const ran = await runFaultCases(cases, {
    portOffsets: PORT_OFFSETS,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const jsonFile = path.join(RESULTS, 'faults.json');
  const record: FaultsRecord = {
    experiment: 'faults',
    environment,
    command: `fhirledger bench faults ${args.join(' ')}`.trim(),
    outcomes: mergeOutcomes(
      previousOutcomes(jsonFile),
      ran.map((entry) => ({ ...entry, commit: environment.commit })),
      ALL_FAULT_CASES.map((fault) => fault.id),
    ),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(record, null, 2)}\n`);
  const page = faultsPage(record, FAULT_GROUP_NOTES);
  writeFileSync(path.join(RESULTS, 'README.md'), page);
  const failing = ran.filter((entry) => !entry.outcome.passed).length;
  process.stdout.write(
    `${ran.length - failing} of ${ran.length} cases passed; ${path.join(RESULTS, 'README.md')}\n`,
  );
  return failing === 0 ? ExitCode.OK : ExitCode.FAILURE;
}

export async function run(args: readonly string[]): Promise<void> {
  process.exitCode = await benchFaults(args);
}
