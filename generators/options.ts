/** Generator options: one frozen, validated object built once from flags or library callers. */
import { DEFAULT_REFERENCE_DATE } from './fhir-time.js';
import { GeneratorOptionsError } from './errors.js';
import { REFERENCE_STYLES, type ReferenceStyle } from './reference-style.js';

export const OUTPUT_FORMATS = ['ndjson', 'bundle-per-patient', 'bundle'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const BUNDLE_TYPES = ['transaction', 'collection'] as const;
export type BundleType = (typeof BUNDLE_TYPES)[number];

/** The migrator's default --max-record-bytes; oversize defects are built just above it. */
export const DEFAULT_MAX_RECORD_BYTES = 1_048_576;
/** Below this a clean record might not fit, so the ground truth could not promise "no undeclared defect". */
export const MIN_MAX_RECORD_BYTES = 16_384;
export const MAX_SEED = 2 ** 32 - 1;

export interface GeneratorOptionsInput {
  patients: number;
  seed: number;
  referenceDate?: string;
  format?: OutputFormat;
  bundleType?: BundleType;
  dirtyRate?: number;
  maxRecordBytes?: number;
  /** `relative` (default) or `synthea`: conditional references and urn:uuid fullUrls (see reference-style.ts). */
  referenceStyle?: ReferenceStyle;
}

export interface GeneratorOptions {
  readonly patients: number;
  readonly seed: number;
  readonly referenceDate: string;
  readonly referenceMs: number;
  readonly format: OutputFormat;
  readonly bundleType: BundleType;
  readonly dirtyRate: number;
  readonly maxRecordBytes: number;
  readonly referenceStyle: ReferenceStyle;
}

export function resolveOptions(input: GeneratorOptionsInput): GeneratorOptions {
  const { patients, seed } = input;
  if (!Number.isSafeInteger(patients) || patients < 0) {
    throw new GeneratorOptionsError(`patients ${patients} is not a whole number ≥ 0`, 'patients');
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new GeneratorOptionsError(`seed ${seed} is not a whole number from 0 to ${MAX_SEED}`, 'seed');
  }
  const referenceDate = input.referenceDate ?? DEFAULT_REFERENCE_DATE;
  const referenceMs = Date.parse(referenceDate);
  if (
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/.test(referenceDate) ||
    Number.isNaN(referenceMs)
  ) {
    throw new GeneratorOptionsError(
      `reference date "${referenceDate}" is not a date (YYYY-MM-DD) or a dateTime with zone (YYYY-MM-DDThh:mm:ssZ)`,
      'referenceDate',
    );
  }
  const dirtyRate = input.dirtyRate ?? 0;
  if (!(dirtyRate >= 0 && dirtyRate <= 1)) {
    throw new GeneratorOptionsError(`dirty rate ${dirtyRate} is not a number from 0 to 1`, 'dirtyRate');
  }
  const format = input.format ?? 'ndjson';
  if (dirtyRate > 0 && format !== 'ndjson') {
    throw new GeneratorOptionsError(
      `dirty rate ${dirtyRate} needs format ndjson (got ${format}): defects are addressed by file and line, and a bundle with a broken entry is a different test`,
      'dirtyRate',
    );
  }
  const maxRecordBytes = input.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < MIN_MAX_RECORD_BYTES) {
    throw new GeneratorOptionsError(
      `max record bytes ${maxRecordBytes} is not a whole number ≥ ${MIN_MAX_RECORD_BYTES}`,
      'maxRecordBytes',
    );
  }
  const referenceStyle = input.referenceStyle ?? 'relative';
  if (!REFERENCE_STYLES.includes(referenceStyle)) {
    throw new GeneratorOptionsError(
      `reference style "${referenceStyle}" is not one of ${REFERENCE_STYLES.join(', ')}`,
      'referenceStyle',
    );
  }
  return Object.freeze({
    patients,
    seed,
    referenceDate,
    referenceMs,
    format,
    bundleType: input.bundleType ?? 'transaction',
    dirtyRate,
    maxRecordBytes,
    referenceStyle,
  });
}
