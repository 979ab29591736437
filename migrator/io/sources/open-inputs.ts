/** One RecordSource over all resolved inputs, in order; each call starts reading from the beginning again. */
import { readBundle } from './bundle-source.js';
import { readFhirServer, type FhirServerOptions } from './fhir-server-source.js';
import type { ResolvedInput } from './input-paths.js';
import { readNdjson } from './ndjson-source.js';
import type { RecordSource, SourceRecord } from '../../core/source-record.js';

export type ServerSettings = Omit<FhirServerOptions, 'baseUrl'>;

/**
 * `maxRecordBytes`: NDJSON lines and Bundle (file or search page) resources longer than this are yielded as their head only (see
 * line-splitter.ts, bundle-splitter.ts).
 */
export function sourceForInputs(
  inputs: readonly ResolvedInput[],
  server: ServerSettings,
  maxRecordBytes = Number.MAX_SAFE_INTEGER,
): RecordSource {
  return async function* readAll(): AsyncGenerator<SourceRecord> {
    for (const input of inputs) {
      if (input.kind === 'ndjson') yield* readNdjson(input.name, input.gzip, maxRecordBytes);
      else if (input.kind === 'bundle') yield* readBundle(input.name, input.gzip, maxRecordBytes);
      else yield* readFhirServer({ ...server, baseUrl: input.name.replace(/\/+$/, '') }, maxRecordBytes);
    }
  };
}
