/**
 * The subcommands of `fhirledger` and the module that implements each. Each module is loaded only when its command
 * runs, so `fhirledger generate` never pays for loading the Fabric SDK; the imports are literal, so the compiler
 * checks that every module exists and exports `run`.
 */
import type { CommandRunner } from './command.js';

export interface Subcommand {
  name: string;
  summary: string;
  load: () => Promise<{ run: CommandRunner }>;
}

/** One row: name, one-line summary, and the literal import of its module. */
const command = (name: string, summary: string, load: Subcommand['load']): Subcommand => ({
  name,
  summary,
  load,
});

export const SUBCOMMANDS: readonly Subcommand[] = [
  command(
    'up',
    'bring up the whole local stack: fabric-devnet, users enrolled from its CA, the FHIR gateway',
    async () => ({ run: (await import('../stack/cli.js')).runUp }),
  ),
  command('down', 'stop the local stack (--purge deletes its ledger too)', async () => ({
    run: (await import('../stack/cli.js')).runDown,
  })),
  command(
    'network',
    'fabric-devnet: bring a local Fabric-wire-compatible network up or down, status, logs, chaincode deploy',
    () => import('../network/cli.js'),
  ),
  command(
    'generate',
    'write synthetic FHIR R4 records (NDJSON or Bundles), optionally with defects',
    () => import('../generators/cli.js'),
  ),
  command(
    'migrate',
    'validate, clean and load FHIR records into the ledger',
    () => import('../migrator/cli.js'),
  ),
  command('gateway', 'run the FHIR REST gateway in front of Fabric', () => import('../gateway/cli.js')),
  command(
    'users',
    'manage the gateway users and their ledger identities',
    () => import('../gateway/users-cli.js'),
  ),
  command(
    'load',
    'run a k6 load scenario against the gateway and write a report',
    () => import('../loadtests/runner/cli.js'),
  ),
  command(
    'bench',
    'run a benchmark and write its results/<date>-<experiment>/run.json',
    () => import('../bench/cli.js'),
  ),
  command('demo', 'the whole job end to end (what npm start runs)', () => import('./demo.js')),
];
