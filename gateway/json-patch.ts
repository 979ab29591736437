/**
 * The JSON Patch (RFC 6902) subset the gateway accepts on a Patient: add, remove, replace and test, on `/address`
 * and below — the one write a patient may make. Pure: it returns the patched address list or throws.
 */
import { isPlainObject } from '../common/fhir-resource.js';
import { GatewayErrorCode, UnprocessableError } from './failure.js';

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

/** Why a patch was refused: `outside-address` lets the caller choose 403 (patients) or 422 (others). */
export class PatchRefusedError extends UnprocessableError {
  override name = 'PatchRefusedError';
  constructor(
    message: string,
    readonly reason: 'malformed' | 'outside-address' | 'unsupported-op' | 'failed',
  ) {
    super(GatewayErrorCode.PATCH_NOT_SUPPORTED, message);
  }
}

const SUPPORTED_OPS = new Set(['add', 'remove', 'replace', 'test']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parsePatch(body: unknown): PatchOperation[] {
  if (!Array.isArray(body) || body.length === 0) {
    throw new PatchRefusedError('the body must be a non-empty JSON Patch array', 'malformed');
  }
  return body.map((entry: unknown, index) => {
    if (!isPlainObject(entry) || typeof entry.op !== 'string' || typeof entry.path !== 'string') {
      throw new PatchRefusedError(`operation [${index}] needs string "op" and "path"`, 'malformed');
    }
    if (!SUPPORTED_OPS.has(entry.op)) {
      throw new PatchRefusedError(
        `operation [${index}] op "${entry.op.slice(0, 16)}" is not supported; expected add, remove, replace or test`,
        'unsupported-op',
      );
    }
    if (entry.path !== '/address' && !entry.path.startsWith('/address/')) {
      throw new PatchRefusedError(
        `operation [${index}] path is outside /address; only the address of a Patient can be patched`,
        'outside-address',
      );
    }
    if (entry.op !== 'remove' && !('value' in entry)) {
      throw new PatchRefusedError(`operation [${index}] (${entry.op}) needs a "value"`, 'malformed');
    }
    return { op: entry.op as PatchOperation['op'], path: entry.path, value: entry.value };
  });
}

/** Applies the operations to a copy of `{ address }` and returns the resulting address list. */
export function applyAddressPatch(
  address: readonly unknown[],
  operations: readonly PatchOperation[],
): unknown[] {
  const document: Record<string, unknown> = { address: structuredClone([...address]) };
  operations.forEach((operation, index) => {
    applyOne(document, operation, index);
  });
  const result = document.address;
  if (!Array.isArray(result) || !result.every((item) => isPlainObject(item))) {
    throw new PatchRefusedError('after the patch, address must be a list of Address objects', 'failed');
  }
  return result;
}

function decodePointer(path: string, index: number): string[] {
  return path
    .slice(1)
    .split('/')
    .map((token) => {
      const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
      if (FORBIDDEN_KEYS.has(key))
        throw new PatchRefusedError(`operation [${index}] path is not allowed`, 'malformed');
      return key;
    });
}

function applyOne(document: Record<string, unknown>, operation: PatchOperation, index: number): void {
  const keys = decodePointer(operation.path, index);
  const last = keys.pop();
  if (last === undefined) throw new PatchRefusedError(`operation [${index}] has an empty path`, 'malformed');
  let parent: unknown = document;
  for (const key of keys) {
    parent = child(parent, key, index);
  }
  const fail = (what: string) =>
    new PatchRefusedError(`operation [${index}] (${operation.op}): ${what}`, 'failed');
  if (Array.isArray(parent)) {
    const position = last === '-' ? parent.length : arrayIndex(last, index);
    const exists = position < parent.length;
    switch (operation.op) {
      case 'add':
        if (position > parent.length) throw fail('index is past the end of the list');
        parent.splice(position, 0, structuredClone(operation.value));
        return;
      case 'remove':
        if (!exists) throw fail('no element at that index');
        parent.splice(position, 1);
        return;
      case 'replace':
        if (!exists) throw fail('no element at that index');
        parent[position] = structuredClone(operation.value);
        return;
      case 'test':
        if (!exists || JSON.stringify(parent[position]) !== JSON.stringify(operation.value))
          throw fail('test failed');
        return;
    }
  }
  if (!isPlainObject(parent)) throw fail('the parent of the path is not an object or list');
  const exists = Object.hasOwn(parent, last);
  switch (operation.op) {
    case 'add':
      parent[last] = structuredClone(operation.value);
      return;
    case 'remove':
      if (!exists) throw fail('no member at that path');
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the key is a checked JSON Pointer token
      delete parent[last];
      return;
    case 'replace':
      if (!exists) throw fail('no member at that path');
      parent[last] = structuredClone(operation.value);
      return;
    case 'test':
      if (!exists || JSON.stringify(parent[last]) !== JSON.stringify(operation.value))
        throw fail('test failed');
      return;
  }
}

function child(parent: unknown, key: string, index: number): unknown {
  if (Array.isArray(parent)) {
    const at = arrayIndex(key, index);
    if (at >= parent.length)
      throw new PatchRefusedError(`operation [${index}] path does not exist`, 'failed');
    return parent[at];
  }
  if (isPlainObject(parent) && Object.hasOwn(parent, key)) return parent[key];
  throw new PatchRefusedError(`operation [${index}] path does not exist`, 'failed');
}

function arrayIndex(token: string, index: number): number {
  if (!/^(0|[1-9][0-9]{0,5})$/.test(token)) {
    throw new PatchRefusedError(
      `operation [${index}] list index "${token.slice(0, 8)}" is not a number`,
      'malformed',
    );
  }
  return Number(token);
}
