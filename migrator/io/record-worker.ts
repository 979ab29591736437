/**
 * Worker-thread entry of the record worker pool: builds its own pipeline (schema index and the cached validators)
 * and answers each chunk of records with their results, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FhirTypeIndex, loadFhirSchema } from '../core/fhir-types.js';
import { RecordPipeline, type PipelineOptions } from '../core/record-pipeline.js';
import { withoutResource, type ProcessedRecord, type RecordInput } from '../core/record-processor.js';
import { loadSchemaValidators } from './schema-validator.js';

export interface ChunkRequest {
  id: number;
  records: RecordInput[];
}

export type ChunkResponse = { id: number; results: ProcessedRecord[] } | { id: number; error: string };

export interface RecordWorkerData {
  options: PipelineOptions;
}

const port = parentPort;
if (port !== null) {
  const { options } = workerData as RecordWorkerData;
  const pipeline = new RecordPipeline(new FhirTypeIndex(loadFhirSchema()), loadSchemaValidators(), options);
  port.on('message', (request: ChunkRequest) => {
    let response: ChunkResponse;
    try {
      response = {
        id: request.id,
        results: request.records.map((record) =>
          withoutResource(pipeline.processText(record.text, record.location, record.bytes)),
        ),
      };
    } catch (error) {
      // The pipeline turns bad records into rejections; anything thrown here is a bug, reported with its stack.
      response = {
        id: request.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    port.postMessage(response);
  });
}
