/**
 * The JSON bodies of the CA's POST requests as fabric-ca-client sends them (every field unchecked until used), and
 * how fabric-ca reads them: the parse errors it answers with, strings from loosely typed fields, hex it compares.
 */
import { CaError } from './ca-errors.js';

export interface EnrollBody {
  certificate_request?: unknown;
  attr_reqs?: { name?: unknown; optional?: unknown }[] | null;
  caname?: unknown;
}

export interface RegisterBody {
  id?: unknown;
  type?: unknown;
  secret?: unknown;
  max_enrollments?: unknown;
  affiliation?: unknown;
  attrs?: { name?: unknown; value?: unknown; ecert?: unknown }[] | null;
  caname?: unknown;
}

export interface RevokeBody {
  id?: unknown;
  aki?: unknown;
  serial?: unknown;
  reason?: unknown;
  caname?: unknown;
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new CaError('EMPTY_REQUEST_BODY', 400, 'Empty request body');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new CaError(
      'BAD_REQUEST_BODY',
      400,
      `Invalid request body: ${String(err)}; body=${body.toString('utf8')}`,
    );
  }
}

export function stringValue(value: unknown): string {
  return typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : JSON.stringify(value);
}

/** fabric-ca compares serials and AKIs as lower-case hex without leading zeros. */
export function normaliseHex(hex: string): string {
  return hex.toLowerCase().replace(/:/g, '').replace(/^0+/, '');
}
