/** The generator's public API: a seeded, referentially intact FHIR R4 population, builders, and the file writer. */
export { generatePopulation, populationUnits, type PopulationUnit } from './population.js';
export { generatePatientRecords, type TimelineOptions } from './patient-timeline.js';
export { buildPatient, buildObservation, buildPatientRecords } from './builders.js';
export { writePopulation, buildManifest, MANIFEST_FILE, type WriteSummary } from './write-population.js';
export {
  resolveOptions,
  DEFAULT_MAX_RECORD_BYTES,
  OUTPUT_FORMATS,
  BUNDLE_TYPES,
  type GeneratorOptions,
  type GeneratorOptionsInput,
  type OutputFormat,
  type BundleType,
} from './options.js';
export { DefectClass, EXPECTED_OUTCOMES, type GroundTruthEntry } from './defects/catalogue.js';
export { GROUND_TRUTH_FILE } from './sinks/ndjson-sink.js';
export { GENERATED_TYPES, type GeneratedResource, type GeneratedType } from './generated-resource.js';
export { CleanRecordTooLargeError, GeneratorOptionsError, OutputDirectoryError } from './errors.js';
export { ProgressDisplay } from '../common/progress.js';
