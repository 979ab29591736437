/** Where a record came from, carried from the source to the dead letter and every message about the record. */
export interface RecordLocation {
  /** The input as the user named it (a path, or a URL for a FHIR server). */
  source: string;
  /** 1-based line of an NDJSON input. */
  line?: number;
  /** 0-based index in `Bundle.entry` of a Bundle input. */
  entry?: number;
  /** Byte offset of a record when neither line nor entry applies. */
  offset?: number;
}

/** `input.ndjson:1043`, `bundle.json#entry[7]` or `source@offset` — the form used inside messages. */
export function formatLocation(location: RecordLocation): string {
  if (location.line !== undefined) return `${location.source}:${location.line}`;
  if (location.entry !== undefined) return `${location.source}#entry[${location.entry}]`;
  if (location.offset !== undefined) return `${location.source}@${location.offset}`;
  return location.source;
}
