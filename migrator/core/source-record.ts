import type { RecordLocation } from './record-location.js';

/**
 * One record as a source yields it: raw text (an NDJSON line, a Bundle entry's resource) or a value an HTTP client
 * parsed (a FHIR server's page). A text longer than the source's limit comes as its head only, with `bytes` its full
 * length (always an R6 reject).
 */
export type SourceRecord =
  | { location: RecordLocation; text: string; value?: undefined; bytes?: number }
  | { location: RecordLocation; value: unknown; text?: undefined; bytes?: undefined };

export type RecordSource = () => AsyncIterable<SourceRecord>;
