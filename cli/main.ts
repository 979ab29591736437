#!/usr/bin/env node
/** The `fhirledger` entry point: finds the subcommand, runs it, and turns its outcome into an exit code. */
import { readFileSync } from 'node:fs';
import { ExitCode, UsageError } from '../common/cli-args.js';
import { ConfigError } from '../common/config-table.js';
import { SUBCOMMANDS } from './subcommands.js';

/** The package's version, read from the package.json shipped beside dist/ (the one `npm link` / `npx` installs). */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

function usage(): string {
  const rows = SUBCOMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`);
  return `Usage: fhirledger <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun "fhirledger <command> --help" for a command's options, "fhirledger --version" for the version.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return ExitCode.OK;
  }
  // No command is a usage error: the usage goes where every usage error goes, stderr, so stdout stays data only.
  if (name === undefined) {
    process.stderr.write(usage());
    return ExitCode.USAGE;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`fhirledger ${version()}\n`);
    return ExitCode.OK;
  }
  const command = SUBCOMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`fhirledger: unknown command "${name}"\n\n${usage()}`);
    return ExitCode.USAGE;
  }
  const { run } = await command.load();
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`fhirledger: ${error.message}\n`);
      process.exitCode = ExitCode.USAGE;
      return;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`fhirledger: ${message}\n`);
    process.exitCode = ExitCode.FAILURE;
  },
);
