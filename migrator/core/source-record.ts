import type { RecordLocation } from './record-location.js';

/**
 * One record as a source yields it: raw text (an NDJSON line, a Bundle entry's resource, from a file or a FHIR
 * server's search page), parsed once by the pipeline. A text longer than the source's limit comes as its head only,
 * with `bytes` its full length (always an R6 reject).
 */
export interface SourceRecord {
  location: RecordLocation;
  text: string;
  bytes?: number;
}

export type RecordSource = () => AsyncIterable<SourceRecord>;
