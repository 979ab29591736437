/**
 * `fhirledger generate`'s settings: flags > FHIRLEDGER_GENERATE_* environment > defaults (common/config-table.ts).
 * Only the shape of each value is checked here; resolveOptions (options.ts) checks what library callers get too.
 */
import {
  ConfigError,
  decimal,
  nonEmpty,
  oneOf,
  settingFlags,
  loadSettings,
  wholeNumber,
} from '../common/config-table.js';
import type { FlagSpec } from '../common/cli-args.js';
import type { Environment, FlagValues, SettingsTable } from '../common/config-table.js';
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
import { REFERENCE_STYLES, type ReferenceStyle } from './reference-style.js';

export interface GenerateConfig {
  patients: number;
  seed: number;
  out: string;
  format: OutputFormat;
  bundleType: BundleType;
  dirtyRate: number;
  referenceDate: string;
  maxRecordBytes: number;
  referenceStyle: ReferenceStyle;
}

/** As read: the two required settings have no default. */
type GenerateSettings = Omit<GenerateConfig, 'patients' | 'out'> & {
  patients: number | undefined;
  out: string | undefined;
};

const GENERATE_SETTINGS: SettingsTable<GenerateSettings> = {
  envPrefix: 'FHIRLEDGER_GENERATE_',
  settings: [
    {
      key: 'patients',
      flag: 'patients',
      default: undefined,
      parse: wholeNumber(0, Number.MAX_SAFE_INTEGER),
      valueName: 'N',
      description: 'number of patients (required)',
    },
    {
      key: 'seed',
      flag: 'seed',
      default: '1',
      parse: wholeNumber(0, MAX_SEED),
      valueName: 'S',
      description: `seed, 0..${MAX_SEED}`,
    },
    {
      key: 'out',
      flag: 'out',
      default: undefined,
      parse: nonEmpty,
      valueName: 'DIR',
      description: 'output directory, new or empty (required)',
    },
    {
      key: 'format',
      flag: 'format',
      default: 'ndjson',
      parse: oneOf(OUTPUT_FORMATS),
      valueName: 'F',
      description: OUTPUT_FORMATS.join('|'),
    },
    {
      key: 'bundleType',
      flag: 'bundle-type',
      default: 'transaction',
      parse: oneOf(BUNDLE_TYPES),
      valueName: 'T',
      description: `${BUNDLE_TYPES.join('|')} for bundle formats`,
    },
    {
      key: 'dirtyRate',
      flag: 'dirty-rate',
      default: '0',
      parse: decimal(0, 1),
      valueName: 'R',
      description: 'fraction 0..1 of records given one defect, ndjson only',
    },
    {
      key: 'referenceDate',
      flag: 'reference-date',
      default: DEFAULT_REFERENCE_DATE,
      parse: nonEmpty,
      valueName: 'DATE',
      description: '"today" of the population',
    },
    {
      key: 'maxRecordBytes',
      flag: 'max-record-bytes',
      default: String(DEFAULT_MAX_RECORD_BYTES),
      parse: wholeNumber(MIN_MAX_RECORD_BYTES, Number.MAX_SAFE_INTEGER),
      valueName: 'B',
      description: 'size above which oversize defects are built',
    },
    {
      key: 'referenceStyle',
      flag: 'reference-style',
      default: 'relative',
      parse: oneOf(REFERENCE_STYLES),
      valueName: 'S',
      description: `${REFERENCE_STYLES.join('|')}: synthea writes conditional references to Practitioner/Organization and, in Bundles, urn:uuid fullUrls`,
    },
  ],
};

export function generateFlags(): Record<string, FlagSpec> {
  return settingFlags(GENERATE_SETTINGS);
}

export function loadGenerateConfig(flagValues: FlagValues, env: Environment): Readonly<GenerateConfig> {
  const { patients, out, ...rest } = loadSettings(GENERATE_SETTINGS, flagValues, env);
  if (patients === undefined) throw new ConfigError('--patients is required');
  if (out === undefined) throw new ConfigError('--out is required');
  return Object.freeze({ ...rest, patients, out });
}
