import type { RecordLocation } from '../record-location.js';

/** One record as a source yields it: raw text (NDJSON line) or a value a streaming parser assembled. */
export type SourceRecord =
  | { location: RecordLocation; text: string; value?: undefined }
  | { location: RecordLocation; value: unknown; text?: undefined };

export type RecordSource = () => AsyncIterable<SourceRecord>;
