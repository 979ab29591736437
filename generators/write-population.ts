/**
 * The composition root of `fhirledger generate`: resolve options, check the output directory, stream every unit of
 * the population into the chosen sink, then write the manifest.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputDirectoryError } from './errors.js';
import { resolveOptions, type GeneratorOptions, type GeneratorOptionsInput } from './options.js';
import { populationUnits } from './population.js';
import type { ProgressReporter } from './progress.js';
import { SyntheaReferences } from './reference-style.js';
import { BundlePerPatientSink, SingleBundleSink } from './sinks/bundle-sink.js';
import { NdjsonSink } from './sinks/ndjson-sink.js';
import type { PopulationSink, SinkSummary } from './sinks/sink.js';

export const MANIFEST_FILE = 'manifest.json';

export interface WriteSummary extends SinkSummary {
  directory: string;
  manifest: string;
  totalResources: number;
}

export async function writePopulation(
  directory: string,
  input: GeneratorOptionsInput,
  progress?: Pick<ProgressReporter, 'update' | 'finish'>,
): Promise<WriteSummary> {
  const options = resolveOptions(input);
  await prepareDirectory(directory);
  const synthea = options.referenceStyle === 'synthea' ? new SyntheaReferences(options.seed) : undefined;
  const sink = createSink(directory, options, synthea);
  for (const unit of populationUnits(options)) {
    synthea?.rewrite(unit.resources, options.format !== 'ndjson');
    await sink.writeUnit(unit);
    progress?.update(unit.resources.length, unit.kind === 'patient' ? unit.index + 1 : 0);
  }
  const summary = await sink.finish();
  progress?.finish();
  const manifest = buildManifest(options, summary);
  await writeFile(path.join(directory, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const totalResources = Object.values(summary.resources).reduce((a, b) => a + b, 0);
  return { ...summary, directory, manifest: MANIFEST_FILE, totalResources };
}

function createSink(
  directory: string,
  options: GeneratorOptions,
  synthea: SyntheaReferences | undefined,
): PopulationSink {
  if (options.format === 'bundle-per-patient') return new BundlePerPatientSink(directory, options, synthea);
  if (options.format === 'bundle') return new SingleBundleSink(directory, options, synthea);
  return new NdjsonSink(directory, options);
}

/** Refuses a non-empty directory: mixing two runs' files would make counts and ground truth lie. */
async function prepareDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
    const existing = await readdir(directory);
    if (existing.length > 0) {
      throw new OutputDirectoryError(
        `output directory ${directory} is not empty (${existing.length} entries, e.g. ${existing[0] ?? ''}); choose a new or empty directory`,
        directory,
      );
    }
  } catch (error) {
    if (error instanceof OutputDirectoryError) throw error;
    throw new OutputDirectoryError(`cannot use output directory ${directory}: ${String(error)}`, directory, {
      cause: error,
    });
  }
}

/**
 * The Bulk Data export manifest ($export response body). `transactionTime` is the reference date, not the wall
 * clock, so the manifest is as reproducible as the data; `url`s are relative to the manifest.
 */
export function buildManifest(options: GeneratorOptions, summary: SinkSummary): Record<string, unknown> {
  return {
    transactionTime: options.referenceDate,
    request: `fhirledger generate --patients ${options.patients} --seed ${options.seed} --format ${options.format}${options.referenceStyle === 'relative' ? '' : ` --reference-style ${options.referenceStyle}`}`,
    requiresAccessToken: false,
    output: summary.files,
    error: [],
    extension: {
      'https://fhirledger.example/generator': {
        seed: options.seed,
        patients: options.patients,
        referenceDate: options.referenceDate,
        format: options.format,
        ...(options.format === 'ndjson' ? {} : { bundleType: options.bundleType }),
        dirtyRate: options.dirtyRate,
        maxRecordBytes: options.maxRecordBytes,
        referenceStyle: options.referenceStyle,
        resources: summary.resources,
        defects: summary.defects,
        ...(summary.groundTruth !== undefined ? { groundTruth: summary.groundTruth } : {}),
      },
    },
  };
}
