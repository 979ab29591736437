/**
 * Splits a FHIR Bundle's bytes into the raw text of each `entry[].resource`, without parsing the resources: the
 * record pipeline parses each one once (on a worker thread), as it does an NDJSON line, and the dead letter keeps
 * the resource as written. Memory is bounded like the line splitter's: one resource at a time, and a resource longer
 * than `maxResourceBytes` is kept as its head only, with its full length (the pipeline's R6 reject).
 *
 * The scanner follows strings and brackets, which is all it takes to find where each resource begins and ends; the
 * Bundle around the entries is checked for structure (brackets that match, strings that close, one root object, no
 * text after it), and a resource's own tokens are left to the pipeline's JSON.parse (a bad one is an R1 reject of that
 * entry, not the end of the file).
 *
 * A FHIR server's search page also needs the page's `next` link and a check that it is a Bundle at all: given an
 * `envelope`, the scanner fills it with the raw text of the root-level `resourceType` and `link` values (small, and
 * bounded by `MAX_ENVELOPE_BYTES`), so the caller parses only those and never the page.
 */
import { RecordBytes } from './record-bytes.js';

export interface SplitResource {
  /** Index among the Bundle's entries that have a resource. */
  entry: number;
  /** The resource's text, or only its head when `cutFromBytes` is set. */
  text: string;
  /** Set when the resource was longer than the limit: its full length in bytes. */
  cutFromBytes?: number;
}

/** Raw JSON text of root-level values, filled as the scanner passes them (before the generator ends). */
export interface BundleEnvelope {
  resourceType?: string;
  link?: string;
}

/** A root-level `link` or `resourceType` longer than this is not a search page's: the split fails. */
export const MAX_ENVELOPE_BYTES = 64 * 1024;
const ENVELOPE_KEYS = new Set(['resourceType', 'link']);

/** The Bundle is not well-formed JSON where the scanner looks; `offset` counts the bytes read up to the fault. */
export class BundleSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'BundleSyntaxError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
/** The UTF-8 byte order mark some exporters write first. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Keys longer than this are neither "entry" nor "resource": not collected. */
const MAX_KEY_BYTES = 32;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** A key's bytes as a string: JSON.parse only when it holds an escape (`"entr\u0079"` is still "entry"). */
function keyText(bytes: readonly number[]): string {
  const raw = String.fromCharCode(...bytes);
  if (!bytes.includes(BACKSLASH)) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch (error) {
    // A malformed escape in a key: not a key the scanner looks for (the envelope's tokens are not validated).
    if (error instanceof SyntaxError) return '';
    throw error;
  }
}

export async function* splitBundle(
  chunks: AsyncIterable<Buffer>,
  maxResourceBytes: number,
  envelope?: BundleEnvelope,
): AsyncGenerator<SplitResource> {
  /** Open containers, outermost first: the byte that opened each. */
  const stack: number[] = [];
  let inString = false;
  let escaped = false;
  /** In an object at depth 1 or 3, the next string is a key (set by `{` and `,`, cleared by `:`). */
  let expectKey = false;
  let collectingKey = false;
  let keyBytes: number[] = [];
  let rootKey = '';
  let entryKey = '';
  let rootSeen = false;
  let entries = 0;
  let offset = 0;

  // The resource being captured, from its first byte up to the `,` or `}` after it.
  let capturing = false;
  const resource = new RecordBytes(maxResourceBytes);
  // The root-level value being captured for `envelope` (only when one is asked for), up to its `,` or `}`.
  let capturingRoot = false;
  let rootStart = 0;
  const rootValue = new RecordBytes(MAX_ENVELOPE_BYTES);

  const keep = (slice: Buffer) => {
    resource.add(slice);
  };
  const take = (): SplitResource => {
    const { bytes, length, cut } = resource.take();
    capturing = false;
    const entry = entries;
    entries += 1;
    if (cut) return { entry, text: bytes.toString('utf8'), cutFromBytes: length };
    let end = bytes.length;
    while (end > 0 && isWhitespace(bytes[end - 1] ?? 0)) end -= 1;
    return { entry, text: bytes.toString('utf8', 0, end) };
  };
  const fail = (message: string, at: number): never => {
    throw new BundleSyntaxError(message, at);
  };
  const takeRoot = (at: number) => {
    const { bytes, cut } = rootValue.take();
    capturingRoot = false;
    if (cut) fail(`the root-level "${rootKey}" is longer than ${MAX_ENVELOPE_BYTES} bytes`, at);
    if (envelope !== undefined) envelope[rootKey as keyof BundleEnvelope] = bytes.toString('utf8').trimEnd();
  };
  /** True at the value position of a root-level key the envelope wants. */
  const atEnvelopeValue = () =>
    envelope !== undefined && stack.length === 1 && !expectKey && ENVELOPE_KEYS.has(rootKey);
  /** True at the value position of `entry[N].resource`. */
  const atResourceValue = () =>
    stack.length === 3 &&
    stack[0] === OPEN_OBJECT &&
    stack[1] === OPEN_ARRAY &&
    stack[2] === OPEN_OBJECT &&
    rootKey === 'entry' &&
    entryKey === 'resource' &&
    !expectKey;

  for await (const chunk of chunks) {
    let start = 0;
    const first = offset === 0 && chunk.subarray(0, 3).equals(BOM) ? 3 : 0;
    for (let i = first; i < chunk.length; i += 1) {
      const byte = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (collectingKey) {
            collectingKey = false;
            const key = keyBytes.length > MAX_KEY_BYTES ? '' : keyText(keyBytes);
            if (stack.length === 1) rootKey = key;
            else entryKey = key;
          }
          continue;
        }
        if (collectingKey && keyBytes.length <= MAX_KEY_BYTES) keyBytes.push(byte);
        continue;
      }
      if (isWhitespace(byte)) continue;
      if (!capturing && atResourceValue() && byte !== COMMA && byte !== CLOSE_OBJECT) {
        capturing = true;
        start = i;
      }
      if (!capturingRoot && atEnvelopeValue() && byte !== COMMA && byte !== CLOSE_OBJECT) {
        capturingRoot = true;
        rootStart = i;
      }
      switch (byte) {
        case QUOTE:
          inString = true;
          if (expectKey && (stack.length === 1 || stack.length === 3) && !capturing) {
            collectingKey = true;
            keyBytes = [];
          }
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (stack.length === 0) {
            if (rootSeen)
              fail('more text after the Bundle object; expected the end of the file', offset + i + 1);
            if (byte !== OPEN_OBJECT)
              fail('the file is not a JSON object; expected a Bundle', offset + i + 1);
            rootSeen = true;
          }
          stack.push(byte);
          expectKey = byte === OPEN_OBJECT;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY: {
          const open = stack.pop();
          const expected = open === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
          if (open === undefined || byte !== expected) {
            const want = open === undefined ? 'the end of the file' : `'${String.fromCharCode(expected)}'`;
            fail(`found '${String.fromCharCode(byte)}' where ${want} was expected`, offset + i + 1);
          }
          expectKey = false;
          if (capturing && stack.length === 2) {
            keep(chunk.subarray(start, i));
            yield take();
          }
          if (capturingRoot && stack.length === 0) {
            rootValue.add(chunk.subarray(rootStart, i));
            takeRoot(offset + i + 1);
          }
          break;
        }
        case COMMA:
          if (capturing && stack.length === 3) {
            keep(chunk.subarray(start, i));
            yield take();
          }
          if (capturingRoot && stack.length === 1) {
            rootValue.add(chunk.subarray(rootStart, i));
            takeRoot(offset + i + 1);
          }
          expectKey = stack.at(-1) === OPEN_OBJECT;
          break;
        case COLON:
          expectKey = false;
          break;
        default:
          if (stack.length === 0) {
            fail(
              rootSeen
                ? 'more text after the Bundle object; expected the end of the file'
                : 'the file is not a JSON object; expected a Bundle',
              offset + i + 1,
            );
          }
      }
    }
    if (capturing) {
      keep(chunk.subarray(start));
      start = 0;
    }
    if (capturingRoot) {
      rootValue.add(chunk.subarray(rootStart));
      rootStart = 0;
    }
    offset += chunk.length;
  }
  if (inString || stack.length > 0) {
    const closers = stack
      .reverse()
      .map((open) => `'${open === OPEN_OBJECT ? '}' : ']'}'`)
      .join(' ');
    fail(`the text ends ${inString ? 'inside a string ' : ''}with ${closers} still expected`, offset);
  }
  if (!rootSeen) fail('the file is empty; expected a Bundle object', offset);
}
