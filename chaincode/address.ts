/**
 * Checks the one thing a patient may write: an array of R4 Address. Only the elements of Address are accepted
 * (an unknown element is refused rather than silently stored), each with its R4 type.
 */
import { ChaincodeErrorCode } from '../common/ehr-contract.js';
import { isPlainObject } from '../common/fhir-resource.js';
import { ChaincodeError } from './chaincode-error.js';

const STRING_ELEMENTS = new Set(['id', 'text', 'city', 'district', 'state', 'postalCode', 'country']);
const CODES: Readonly<Record<string, readonly string[]>> = {
  use: ['home', 'work', 'temp', 'old', 'billing'],
  type: ['postal', 'physical', 'both'],
};

export function parseAddresses(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) {
    throw invalid('address', 'expected a JSON array of Address');
  }
  return value.map((address, index) => checkAddress(address, `address[${index}]`));
}

function checkAddress(address: unknown, where: string): Record<string, unknown> {
  if (!isPlainObject(address)) throw invalid(where, 'expected an Address object');
  for (const [element, value] of Object.entries(address)) {
    const at = `${where}.${element}`;
    if (STRING_ELEMENTS.has(element)) {
      if (typeof value !== 'string' || value === '') throw invalid(at, 'expected a non-empty string');
    } else if (element in CODES) {
      const allowed = CODES[element] ?? [];
      if (typeof value !== 'string' || !allowed.includes(value)) {
        throw invalid(at, `expected one of ${allowed.join(', ')}`);
      }
    } else if (element === 'line') {
      if (!Array.isArray(value) || !value.every((line) => typeof line === 'string' && line !== '')) {
        throw invalid(at, 'expected an array of non-empty strings');
      }
    } else if (element === 'period') {
      if (!isPlainObject(value) || !Object.entries(value).every(isPeriodElement)) {
        throw invalid(at, 'expected a Period { start?, end? } of dateTime strings');
      }
    } else if (element === 'extension') {
      if (!Array.isArray(value) || !value.every(isPlainObject))
        throw invalid(at, 'expected an array of Extension');
    } else {
      throw invalid(at, 'is not an element of Address');
    }
  }
  return address;
}

function isPeriodElement([key, value]: [string, unknown]): boolean {
  return (key === 'start' || key === 'end') && typeof value === 'string';
}

function invalid(where: string, expected: string): ChaincodeError {
  return new ChaincodeError(ChaincodeErrorCode.INVALID_ARGUMENT, `${where}: ${expected}`);
}
