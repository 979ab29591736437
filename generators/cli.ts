/**
 * `fhirledger generate`: flags → options → writePopulation, progress on stderr; on stdout a readable summary when it
 * is a terminal, else one JSON line (for scripts and pipes). pino's JSON log lines go to stderr only when it is not a
 * terminal.
 */
import { pino } from 'pino';
import type { CommandRunner } from '../cli/command.js';
import { ExitCode, readCommandConfig, type CommandSpec } from '../common/cli-args.js';
import { ProgressDisplay, type ProgressOutput } from '../common/progress.js';
import { CleanRecordTooLargeError, GeneratorOptionsError, OutputDirectoryError } from './errors.js';
import { generateFlags, loadGenerateConfig } from './generate-config.js';
import { injectedLines, writePopulation, type WriteSummary } from './write-population.js';

export const GENERATE_SPEC: CommandSpec = {
  usage: 'fhirledger generate --patients N --out DIR [options]',
  summary:
    'Writes a synthetic, seeded FHIR R4 population (NDJSON per type + manifest, or Bundles); with --dirty-rate, injects catalogued defects and writes truth/ground-truth.ndjson (outside the data set file pattern).',
  flags: {
    ...generateFlags(),
    quiet: { type: 'boolean', default: false, description: 'no progress line' },
  },
};

export interface GenerateIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: ProgressOutput;
  /** FHIRLEDGER_GENERATE_* settings; the process environment unless a test passes its own. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where pino writes structured logs; stderr (fd 2) unless a test passes its own. */
  log?: { write(text: string): unknown };
}

export function createGenerateCommand(io: GenerateIo): CommandRunner {
  return async (argv) => {
    // On a terminal a person reads stderr: the progress bar and plain-text errors, no JSON log lines. Piped or
    // redirected, a script or log collector reads it, and gets pino's lines as before.
    const human = io.stderr.isTTY === true;
    const log = pino(
      { name: 'generate', level: human ? 'silent' : 'info' },
      io.log ?? pino.destination({ fd: 2, sync: true }),
    );
    const fail = (fields: object, message: string, humanText: string): void => {
      if (human) io.stderr.write(`fhirledger generate: ${humanText}\n`);
      else log.error(fields, message);
    };
    const read = readCommandConfig(
      'fhirledger generate',
      GENERATE_SPEC,
      argv,
      (args) => ({
        ...loadGenerateConfig(args.values, io.env ?? process.env),
        quiet: args.values.quiet === true,
      }),
      { stdout: io.stdout, stderr: io.stderr },
    );
    if ('exitCode' in read) return read.exitCode;
    const { out, quiet, ...options } = read.config;
    try {
      log.info({ out, ...options }, 'generate starting');
      const progress = quiet
        ? undefined
        : new ProgressDisplay({
            label: 'generate',
            unit: 'patients',
            itemUnit: 'resources',
            total: options.patients,
            output: io.stderr,
          });
      const summary = await writePopulation(out, options, progress);
      io.stdout.write(io.stdout.isTTY === true ? summaryText(summary) : `${JSON.stringify(summary)}\n`);
      return ExitCode.OK;
    } catch (error) {
      if (error instanceof GeneratorOptionsError || error instanceof OutputDirectoryError) {
        io.stderr.write(`fhirledger generate: ${error.message}\n`);
        return ExitCode.USAGE;
      }
      if (error instanceof CleanRecordTooLargeError) {
        fail({ code: error.code, record: error.recordKey }, error.message, `${error.code}: ${error.message}`);
        return ExitCode.USAGE;
      }
      fail(
        { err: error },
        'generate failed',
        `generate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return ExitCode.FAILURE;
    }
  };
}

export function summaryText(summary: WriteSummary): string {
  const extra = injectedLines(summary);
  const lines = [
    `generated ${summary.totalResources} resources into ${summary.directory}`,
    ...summary.files.map((file) => {
      const copies = extra[file.type];
      const note =
        copies === undefined
          ? ''
          : ` (${file.count - copies} resources + ${copies} injected duplicate${copies === 1 ? '' : 's'})`;
      return `  ${file.url.padEnd(28)} ${String(file.count).padStart(8)} lines${note}`;
    }),
    `  ${summary.manifest}`,
  ];
  if (summary.groundTruth !== undefined)
    lines.push(`  ${summary.groundTruth}: ${summary.defects} injected defects, one line each`);
  return `${lines.join('\n')}\n`;
}

export const run: CommandRunner = createGenerateCommand({ stdout: process.stdout, stderr: process.stderr });
