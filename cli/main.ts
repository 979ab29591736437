#!/usr/bin/env node
/** The `fhirledger` entry point: finds the subcommand, runs it, and turns its outcome into an exit code. */
import { ExitCode, UsageError } from '../common/cli-args.js';
import type { CommandRunner } from './command.js';
import { SUBCOMMANDS } from './subcommands.js';

function usage(): string {
  const rows = SUBCOMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`);
  return `Usage: fhirledger <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun "fhirledger <command> --help" for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  const command = SUBCOMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`fhirledger: unknown command "${name}"\n\n${usage()}`);
    return ExitCode.USAGE;
  }
  const loaded = (await import(command.module)) as { run: CommandRunner };
  return loaded.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`fhirledger: ${error.message}\n`);
      process.exitCode = ExitCode.USAGE;
      return;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`fhirledger: ${message}\n`);
    process.exitCode = ExitCode.FAILURE;
  },
);
