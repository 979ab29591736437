import type { RecordLocation } from './record-location.js';

/**
 * One record as a source yields it: raw text (NDJSON line) or a value a streaming parser assembled. A line longer
 * than the source's limit comes as its head only, with `bytes` its full length (always an R6 reject).
 */
export type SourceRecord =
  | { location: RecordLocation; text: string; value?: undefined; bytes?: number }
  | { location: RecordLocation; value: unknown; text?: undefined; bytes?: undefined };

export type RecordSource = () => AsyncIterable<SourceRecord>;
