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

export const SUBCOMMANDS: readonly Subcommand[] = [
  {
    name: 'network',
    summary: 'install Fabric binaries; bring a local Fabric network up or down',
    load: () => import('../network/cli.js'),
  },
  {
    name: 'generate',
    summary: 'write synthetic FHIR R4 records (NDJSON or Bundles), optionally with defects',
    load: () => import('../generators/cli.js'),
  },
  {
    name: 'migrate',
    summary: 'validate, clean and load FHIR records into the ledger',
    load: () => import('../migrator/cli.js'),
  },
  {
    name: 'gateway',
    summary: 'run the FHIR REST gateway in front of Fabric',
    load: () => import('../gateway/cli.js'),
  },
  {
    name: 'users',
    summary: 'manage the gateway users and their ledger identities',
    load: () => import('../gateway/users-cli.js'),
  },
  {
    name: 'load',
    summary: 'run a k6 load scenario against the gateway and write a report',
    load: () => import('../loadtests/runner/cli.js'),
  },
  {
    name: 'bench',
    summary: 'run a benchmark and write its results/<date>-<experiment>/run.json',
    load: () => import('../bench/cli.js'),
  },
  {
    name: 'demo',
    summary: 'the whole job end to end (what npm start runs)',
    load: () => import('./demo.js'),
  },
];
