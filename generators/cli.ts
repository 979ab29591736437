/** `fhirledger generate`: flags → options → writePopulation, progress on stderr, a JSON summary on stdout. */
import { pino } from 'pino';
import type { CommandRunner } from '../cli/command.js';
import {
  ExitCode,
  helpText,
  intFlag,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  UsageError,
  type CommandSpec,
} from '../common/cli-args.js';
import { CleanRecordTooLargeError, GeneratorOptionsError, OutputDirectoryError } from './errors.js';
import { DEFAULT_REFERENCE_DATE } from './fhir-time.js';
import {
  BUNDLE_TYPES,
  DEFAULT_MAX_RECORD_BYTES,
  MAX_SEED,
  MIN_MAX_RECORD_BYTES,
  OUTPUT_FORMATS,
  type BundleType,
  type OutputFormat,
} from './options.js';
import { ProgressReporter, type ProgressOutput } from './progress.js';
import { REFERENCE_STYLES, type ReferenceStyle } from './reference-style.js';
import { writePopulation } from './write-population.js';

export const GENERATE_SPEC: CommandSpec = {
  usage: 'fhirledger generate --patients N --out DIR [options]',
  summary:
    'Writes a synthetic, seeded FHIR R4 population (NDJSON per type + manifest, or Bundles); with --dirty-rate, injects catalogued defects and writes ground-truth.ndjson.',
  flags: {
    patients: { type: 'string', valueName: 'N', description: 'number of patients (required)' },
    seed: { type: 'string', valueName: 'S', default: '1', description: `seed, 0..${MAX_SEED} (default 1)` },
    out: { type: 'string', valueName: 'DIR', description: 'output directory, new or empty (required)' },
    format: {
      type: 'string',
      valueName: 'F',
      default: 'ndjson',
      description: `${OUTPUT_FORMATS.join('|')} (default ndjson)`,
    },
    'bundle-type': {
      type: 'string',
      valueName: 'T',
      default: 'transaction',
      description: `${BUNDLE_TYPES.join('|')} for bundle formats (default transaction)`,
    },
    'dirty-rate': {
      type: 'string',
      valueName: 'R',
      default: '0',
      description: 'fraction 0..1 of records given one defect (ndjson only; default 0)',
    },
    'reference-date': {
      type: 'string',
      valueName: 'DATE',
      default: DEFAULT_REFERENCE_DATE,
      description: `"today" of the population (default ${DEFAULT_REFERENCE_DATE})`,
    },
    'max-record-bytes': {
      type: 'string',
      valueName: 'B',
      default: String(DEFAULT_MAX_RECORD_BYTES),
      description: `size above which oversize defects are built (default ${DEFAULT_MAX_RECORD_BYTES})`,
    },
    'reference-style': {
      type: 'string',
      valueName: 'S',
      default: 'relative',
      description: `${REFERENCE_STYLES.join('|')}: synthea writes conditional references to Practitioner/Organization and, in Bundles, urn:uuid fullUrls (default relative)`,
    },
    quiet: { type: 'boolean', default: false, description: 'no progress line' },
  },
};

export interface GenerateIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressOutput;
  /** Where pino writes structured logs; stderr (fd 2) unless a test passes its own. */
  log?: { write(text: string): unknown };
}

export function createGenerateCommand(io: GenerateIo): CommandRunner {
  return async (argv) => {
    const log = pino({ name: 'generate' }, io.log ?? pino.destination({ fd: 2, sync: true }));
    try {
      const parsed = parseCommandArgs(GENERATE_SPEC, argv);
      if (parsed.help) {
        io.stdout.write(helpText(GENERATE_SPEC));
        return ExitCode.OK;
      }
      const out = stringFlag(parsed.values, 'out');
      if (stringFlag(parsed.values, 'patients') === undefined) throw new UsageError('--patients is required');
      if (out === undefined) throw new UsageError('--out is required');
      const format = oneOf(parsed.values, 'format', OUTPUT_FORMATS);
      const bundleType = oneOf(parsed.values, 'bundle-type', BUNDLE_TYPES);
      const options = {
        patients: intFlag(parsed.values, 'patients', 0, Number.MAX_SAFE_INTEGER),
        seed: intFlag(parsed.values, 'seed', 0, MAX_SEED),
        format: format as OutputFormat,
        bundleType: bundleType as BundleType,
        referenceStyle: oneOf(parsed.values, 'reference-style', REFERENCE_STYLES) as ReferenceStyle,
        dirtyRate: numberFlag(parsed.values, 'dirty-rate', 0, 1),
        referenceDate: stringFlag(parsed.values, 'reference-date') ?? DEFAULT_REFERENCE_DATE,
        maxRecordBytes: intFlag(
          parsed.values,
          'max-record-bytes',
          MIN_MAX_RECORD_BYTES,
          Number.MAX_SAFE_INTEGER,
        ),
      };
      log.info({ out, ...options }, 'generate starting');
      const progress =
        parsed.values.quiet === true
          ? undefined
          : new ProgressReporter({ totalPatients: options.patients, output: io.stderr });
      const summary = await writePopulation(out, options, progress);
      io.stdout.write(`${JSON.stringify(summary)}\n`);
      return ExitCode.OK;
    } catch (error) {
      if (
        error instanceof UsageError ||
        error instanceof GeneratorOptionsError ||
        error instanceof OutputDirectoryError
      ) {
        io.stderr.write(
          `fhirledger generate: ${error.message}\n${error instanceof UsageError ? helpText(GENERATE_SPEC) : ''}`,
        );
        return ExitCode.USAGE;
      }
      if (error instanceof CleanRecordTooLargeError) {
        log.error({ code: error.code, record: error.recordKey }, error.message);
        return ExitCode.USAGE;
      }
      log.error({ err: error }, 'generate failed');
      return ExitCode.FAILURE;
    }
  };
}

function oneOf(values: Record<string, unknown>, name: string, allowed: readonly string[]): string {
  const value = values[name];
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new UsageError(`--${name} "${String(value)}" is not one of ${allowed.join(', ')}`);
  }
  return value;
}

export const run: CommandRunner = createGenerateCommand({ stdout: process.stdout, stderr: process.stderr });
