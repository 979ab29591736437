/**
 * Turning the string arguments Fabric delivers into checked values. Bad JSON or a bad scalar argument is
 * INVALID_ARGUMENT; a JSON value that is not a usable FHIR resource is INVALID_RESOURCE. Messages say what was
 * wrong, where, and what was expected.
 */
import { ChaincodeErrorCode, MAX_PAGE_SIZE } from '../common/ehr-contract.js';
import { isFhirId, isPlainObject, type FhirResource } from '../common/fhir-resource.js';
import { ChaincodeError } from './chaincode-error.js';

/** FHIR resource type names are PascalCase ASCII letters (R4 has none longer than ~40). */
export const RESOURCE_TYPE_PATTERN = /^[A-Z][A-Za-z]{0,63}$/;

export function parseJsonArgument(text: string, argumentName: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ChaincodeError(
      ChaincodeErrorCode.INVALID_ARGUMENT,
      `${argumentName} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}

/** Why a value is not a storable resource, or undefined when it is. Used per batch item and per call. */
export function resourceProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `expected a JSON object (a FHIR resource), found ${describe(value)}`;
  const { resourceType, id } = value;
  if (typeof resourceType !== 'string' || !RESOURCE_TYPE_PATTERN.test(resourceType)) {
    const shown = resourceType === undefined ? 'undefined' : JSON.stringify(resourceType);
    return `resourceType ${shown} is not a FHIR resource type name`;
  }
  if (id === undefined) return `${resourceType}.id is missing; the ledger key is resourceType/id`;
  if (!isFhirId(id)) {
    return `${resourceType}.id ${JSON.stringify(id)} is not a FHIR id (1-64 characters of A-Z a-z 0-9 - .)`;
  }
  if (value.meta !== undefined && !isPlainObject(value.meta)) {
    return `${resourceType}/${id}.meta must be an object`;
  }
  return undefined;
}

export interface KeyedResource extends FhirResource {
  id: string;
}

export function parseResourceArgument(text: string, argumentName: string): KeyedResource {
  const value = parseJsonArgument(text, argumentName);
  const problem = resourceProblem(value);
  if (problem !== undefined) throw new ChaincodeError(ChaincodeErrorCode.INVALID_RESOURCE, problem);
  return value as KeyedResource;
}

export function requireResourceType(value: string, argumentName: string): string {
  if (!RESOURCE_TYPE_PATTERN.test(value)) {
    throw new ChaincodeError(
      ChaincodeErrorCode.INVALID_ARGUMENT,
      `${argumentName} ${JSON.stringify(value)} is not a FHIR resource type name (e.g. Observation)`,
    );
  }
  return value;
}

export function requireId(value: string, argumentName: string): string {
  if (!isFhirId(value)) {
    throw new ChaincodeError(
      ChaincodeErrorCode.INVALID_ARGUMENT,
      `${argumentName} ${JSON.stringify(value)} is not a FHIR id (1-64 characters of A-Z a-z 0-9 - .)`,
    );
  }
  return value;
}

export function parseVersionArgument(value: string, argumentName: string): string {
  if (!/^[1-9][0-9]{0,14}$/.test(value)) {
    throw new ChaincodeError(
      ChaincodeErrorCode.INVALID_ARGUMENT,
      `${argumentName} ${JSON.stringify(value)} is not a version id (a whole number from 1)`,
    );
  }
  return value;
}

export function parsePageSize(value: string): number {
  const size = /^[0-9]{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new ChaincodeError(
      ChaincodeErrorCode.INVALID_ARGUMENT,
      `pageSize ${JSON.stringify(value)} is not a whole number from 1 to ${MAX_PAGE_SIZE}`,
    );
  }
  return size;
}

/**
 * Bookmarks leave the contract base64url-encoded: Fabric's own bookmarks are state keys that may hold U+0000, which
 * does not survive URLs and logs. '' means "first page" going in and "no more pages" coming out.
 */
export function encodeBookmark(ledgerBookmark: string): string {
  return ledgerBookmark === '' ? '' : Buffer.from(ledgerBookmark, 'utf8').toString('base64url');
}

export function decodeBookmark(value: string): string {
  if (value === '') return '';
  if (!/^[A-Za-z0-9_-]+$/.test(value)) {
    throw new ChaincodeError(
      ChaincodeErrorCode.INVALID_ARGUMENT,
      `bookmark ${JSON.stringify(value.slice(0, 80))} is not a bookmark returned by this contract (base64url)`,
    );
  }
  return Buffer.from(value, 'base64url').toString('utf8');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
