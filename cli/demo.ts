/**
 * `npm start`: the job end to end on fabric-devnet — bring the stack up (orderer, peer, CA, EHR chaincode, users
 * enrolled from the CA, the FHIR gateway), generate about 10,000 FHIR records with injected defects, migrate them
 * into the ledger through the devnet's connection profile (validate, clean, dead-letter, batch-create), audit the
 * ledger against the input, run a short k6 smoke load through the gateway with the acknowledged-write audit, and
 * print a one-screen summary. Each stage is the fhirledger command a user would type, run as a child process, so
 * the demo shows nothing the CLI cannot do. The stack is left running (the summary says how to stop it) so the
 * records can be looked at afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, readCommandConfig, type CommandSpec } from '../common/cli-args.js';
import {
  loadSettings,
  nonEmpty,
  settingFlags,
  wholeNumber,
  ConfigError,
  type Parser,
  type SettingsTable,
} from '../common/config-table.js';
import { devnetHomeSetting } from '../common/devnet-location.js';
import { isK6Duration } from '../loadtests/lib/env-rules.js';
import { defaultRunFolder } from '../common/run-folders.js';
import type { MigrationReport } from '../migrator/core/migration-report.js';
import { DevnetHome, defaultHome } from '../network/node/devnet-home.js';
import { networkStatus } from '../network/node/network-status.js';
import type { CommandRunner } from './command.js';

interface DemoConfig {
  out: string;
  patients: number;
  home: string | undefined;
  portOffset: number;
  smokeDuration: string;
}

const k6Duration: Parser = (text, where) => {
  if (!isK6Duration(text)) throw new ConfigError(`${where} "${text}" is not a k6 duration such as 20s or 1m`);
  return text;
};

const DEMO_SETTINGS: SettingsTable<DemoConfig> = {
  envPrefix: 'FHIRLEDGER_DEMO_',
  settings: [
    {
      key: 'out',
      flag: 'out',
      default: defaultRunFolder('demo'),
      parse: nonEmpty,
      valueName: 'DIR',
      description: 'where the demo writes (git-ignored)',
    },
    {
      key: 'patients',
      flag: 'patients',
      default: '210',
      parse: wholeNumber(1, 100_000),
      valueName: 'N',
      description: 'patients to generate; ~48 resources each',
    },
    devnetHomeSetting(),
    {
      key: 'portOffset',
      flag: 'port-offset',
      default: '0',
      parse: wholeNumber(-6000, 50_000),
      valueName: 'N',
      description: "added to every port when the demo starts the stack (fhirledger up's --port-offset)",
    },
    {
      key: 'smokeDuration',
      flag: 'smoke-duration',
      default: '20s',
      parse: k6Duration,
      valueName: 'D',
      description: 'length of the smoke load through the gateway, a k6 duration',
    },
  ],
};

const SPEC: CommandSpec = {
  usage: 'fhirledger demo [--out DIR] [--patients N] [--home DIR] [--port-offset N] [--smoke-duration D]',
  summary:
    'Starts the local stack (fabric-devnet, users, FHIR gateway), generates about 10,000 FHIR records with defects, migrates them into the ledger (validate, clean, dead-letter, load), audits the ledger against the input, runs a smoke load through the gateway with the acknowledged-write audit, then prints a summary. Leaves the stack running.',
  flags: settingFlags(DEMO_SETTINGS),
};

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

export const run: CommandRunner = async (argv) => {
  const read = readCommandConfig('fhirledger demo', SPEC, argv, (args) =>
    Object.freeze(loadSettings(DEMO_SETTINGS, args.values, process.env)),
  );
  if ('exitCode' in read) return read.exitCode;
  const { config } = read;
  const out = path.resolve(config.out, new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(out, { recursive: true });
  const home = new DevnetHome(config.home ?? defaultHome());
  const data = path.join(out, 'data');
  const report = path.join(out, 'migrate-report.json');
  const started = Date.now();

  await stage(
    '1/5 start the stack: fabric-devnet (orderer, peer, CA, EHR chaincode), users from its CA, FHIR gateway',
    ['up', '--home', home.root, '--port-offset', String(config.portOffset)],
    [ExitCode.OK],
  );
  await stage(
    '2/5 generate records with ~2 % injected defects',
    [
      'generate',
      '--patients',
      String(config.patients),
      '--seed',
      '2026',
      '--dirty-rate',
      '0.02',
      '--out',
      data,
    ],
    [ExitCode.OK],
  );
  // Exit 3 means "finished, some input rejected": expected here, the defects were injected on purpose.
  await stage(
    '3/5 migrate them into the ledger: validate, clean, dead-letter, batch-create',
    [
      'migrate',
      '--input',
      data,
      '--connection',
      home.fhirledgerProfile,
      '--report',
      report,
      '--dead-letter',
      path.join(out, 'dead-letter.ndjson'),
      '--log-level',
      'warn',
    ],
    [ExitCode.OK, ExitCode.FINISHED_WITH_FINDINGS],
  );
  await stage(
    '4/5 audit the ledger: every accepted record on it with its content hash, nothing else',
    [
      'migrate',
      'verify',
      '--input',
      data,
      '--connection',
      home.fhirledgerProfile,
      '--report',
      path.join(out, 'verify-report.json'),
    ],
    [ExitCode.OK],
  );
  const loadRoot = path.join(out, 'load');
  await stage(
    '5/5 smoke load through the FHIR gateway (k6), then read every acknowledged write back from the ledger',
    ['load', 'smoke', '--stack-home', home.root, '--duration', config.smokeDuration, '--out', loadRoot],
    [ExitCode.OK],
  );
  const peer = (await networkStatus(home.root)).nodes.find((node) => node.role === 'peer');
  const migration = JSON.parse(readFileSync(report, 'utf8')) as MigrationReport;
  process.stdout.write(
    summary(migration, smokeOutcome(loadRoot), peer?.ledgerHeight ?? null, out, home, started),
  );
  return ExitCode.OK;
};

interface SmokeOutcome {
  folder: string;
  requests: number;
  failed: number;
  acknowledged: { checked: number; onLedger: number; missing: unknown[] };
}

/** The smoke run's figures, from the run.json `fhirledger load` wrote (its only run folder under `root`). */
function smokeOutcome(root: string): SmokeOutcome {
  const [folder] = readdirSync(root);
  if (folder === undefined) throw new Error(`the smoke load wrote no run folder under ${root}`);
  const run = JSON.parse(readFileSync(path.join(root, folder, 'run.json'), 'utf8')) as {
    figures: {
      operations: { count: number; ko: number }[];
      acknowledged: SmokeOutcome['acknowledged'];
    };
  };
  return {
    folder: path.join(root, folder),
    requests: run.figures.operations.reduce((sum, op) => sum + op.count, 0),
    failed: run.figures.operations.reduce((sum, op) => sum + op.ko, 0),
    acknowledged: run.figures.acknowledged,
  };
}

function summary(
  report: MigrationReport,
  smoke: SmokeOutcome,
  ledgerHeight: number | null,
  out: string,
  home: DevnetHome,
  started: number,
): string {
  const rejects = Object.entries(report.rejects)
    .sort(([, a], [, b]) => b.records - a.records)
    .map(([code, reject]) => `    ${String(reject.records).padStart(6)}  ${code}  ${reject.description}`);
  const ledger = report.ledger;
  return [
    '',
    '== summary',
    `  records read ${report.records.read}, accepted ${report.records.accepted}, rejected ${report.records.rejected}, duplicates ${report.records.duplicates}`,
    `  on the ledger: created ${ledger.created}, unchanged ${ledger.unchanged}, conflicts ${ledger.conflict}, refused ${ledger.invalid} (peer ledger height ${ledgerHeight ?? 'unknown'} blocks)`,
    '  rejected records by reason:',
    ...(rejects.length === 0 ? ['    none'] : rejects),
    '  ledger audit: every accepted record is on the ledger with its content hash, and nothing else (exit 0)',
    `  report ${path.join(out, 'migrate-report.json')}, audit ${path.join(out, 'verify-report.json')}`,
    `  dead letter ${path.join(out, 'dead-letter.ndjson')}`,
    `  smoke load through the gateway: ${smoke.requests} requests, ${smoke.failed} failed; acknowledged-write audit: ${smoke.acknowledged.checked} acknowledged, ${smoke.acknowledged.onLedger} on the ledger, ${smoke.acknowledged.missing.length} missing`,
    `  load report ${path.join(smoke.folder, 'report.md')}`,
    `  stack ${home.root} (connection profile ${home.fhirledgerProfile})`,
    `  done in ${((Date.now() - started) / 1000).toFixed(1)} s; the stack keeps running: stop it with "npx fhirledger down${home.root === new DevnetHome(defaultHome()).root ? '' : ` --home ${home.root}`}"`,
    '',
  ].join('\n');
}

async function stage(title: string, argv: string[], okCodes: number[]): Promise<void> {
  say(title);
  const code = await runCli(argv);
  if (!okCodes.includes(code))
    throw new Error(`demo stage "${title}" failed: fhirledger ${argv[0] ?? ''} exited ${code}`);
}

function runCli(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...argv], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve(code ?? ExitCode.FAILURE);
    });
  });
}

function say(line: string): void {
  process.stdout.write(`\n== ${line}\n`);
}
