/**
 * The subcommands of `fhirledger` and the module that implements each. Modules are loaded only when their command
 * runs, so `fhirledger generate` never pays for loading the Fabric SDK.
 */
export interface Subcommand {
  name: string;
  summary: string;
  /** Path of the compiled module, relative to this file, exporting `run: CommandRunner`. */
  module: string;
}

export const SUBCOMMANDS: readonly Subcommand[] = [
  {
    name: 'network',
    summary:
      'fabric-devnet: bring a local Fabric-wire-compatible network up or down, status, logs, chaincode deploy',
    module: '../network/cli.js',
  },
  {
    name: 'generate',
    summary: 'write synthetic FHIR R4 records (NDJSON or Bundles), optionally with defects',
    module: '../generators/cli.js',
  },
  {
    name: 'migrate',
    summary: 'validate, clean and load FHIR records into the ledger',
    module: '../migrator/cli.js',
  },
  { name: 'gateway', summary: 'run the FHIR REST gateway in front of Fabric', module: '../gateway/cli.js' },
  {
    name: 'users',
    summary: 'manage the gateway users and their ledger identities',
    module: '../gateway/users-cli.js',
  },
  {
    name: 'load',
    summary: 'run a k6 load scenario against the gateway and write a report',
    module: '../loadtests/runner/cli.js',
  },
  {
    name: 'bench',
    summary: 'run a benchmark and write its results/<date>-<experiment>/run.json',
    module: '../bench/cli.js',
  },
  { name: 'demo', summary: 'the whole job end to end (what npm start runs)', module: './demo.js' },
];
