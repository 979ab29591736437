/** One RecordPipeline over the real R4 schema for tests (the validators load from the on-disk cache). */
import { FhirTypeIndex, loadFhirSchema } from './core/fhir-types.js';
import { RecordPipeline, type PipelineOptions } from './core/record-pipeline.js';
import { loadSchemaValidators, type SchemaValidators } from './io/schema-validator.js';

let shared: { index: FhirTypeIndex; validators: SchemaValidators } | undefined;

export function testPipeline(options: Partial<PipelineOptions> = {}): RecordPipeline {
  shared ??= { index: new FhirTypeIndex(loadFhirSchema()), validators: loadSchemaValidators() };
  return new RecordPipeline(shared.index, shared.validators, {
    maxRecordBytes: 1024 * 1024,
    assignIds: false,
    dateOrder: undefined,
    defaultZone: 'Z',
    ...options,
  });
}
