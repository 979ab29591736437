/**
 * CreateRecords' rule, pure: given a batch and what the ledger already holds, the answer for every item and the
 * records to create. The contract runs it over world state; `migrate verify` runs it over the hashes it remembers,
 * so the audit's expected set follows the contract's own rule instead of a restatement that could drift from it.
 */
import { contentHash } from '../common/canonical-json.js';
import { ChaincodeErrorCode, type BatchItemResult, type BatchResult } from '../common/ehr-contract.js';
import { resourceProblem, type KeyedResource } from './arguments.js';
import { recordStateKey } from './keys.js';

/** What the rule needs to know of a stored record. */
export interface HeldRecord {
  hash: string;
  versionId: string;
}

export interface CreateJudgement {
  result: BatchResult;
  /** The items to write as version 1, in batch order, with their content hash. */
  creations: { index: number; resource: KeyedResource; hash: string }[];
}

/** The record keys of the batch's storable items: what must be read before judging it. */
export function batchKeys(batch: readonly unknown[]): Set<string> {
  const keys = new Set<string>();
  for (const item of batch) if (resourceProblem(item) === undefined) keys.add(keyOf(item as KeyedResource));
  return keys;
}

/**
 * Same key and content hash as held: unchanged. Same key, other hash: conflict (the first version stays). Not a
 * storable resource: invalid. Otherwise created — and held from then on for the rest of the batch, since Fabric does
 * not show a transaction its own writes.
 */
export function judgeCreateRecords(
  batch: readonly unknown[],
  held: (key: string) => HeldRecord | undefined,
): CreateJudgement {
  const createdHere = new Map<string, HeldRecord>();
  const items: BatchItemResult[] = [];
  const creations: CreateJudgement['creations'] = [];
  const counts: BatchResult['counts'] = { created: 0, unchanged: 0, conflict: 0, invalid: 0 };
  for (const [index, item] of batch.entries()) {
    const judged = judgeOne(item, index, (key) => createdHere.get(key) ?? held(key));
    if (judged.outcome === 'created') {
      const resource = item as KeyedResource;
      const hash = judged.hash ?? contentHash(resource);
      createdHere.set(judged.key ?? '', { hash, versionId: '1' });
      creations.push({ index, resource, hash });
    }
    counts[judged.outcome] += 1;
    items.push(judged);
  }
  return { result: { items, counts }, creations };
}

function judgeOne(
  item: unknown,
  index: number,
  existingFor: (key: string) => HeldRecord | undefined,
): BatchItemResult {
  const problem = resourceProblem(item);
  if (problem !== undefined) {
    const partialKey = keyIfPresent(item);
    return {
      index,
      outcome: 'invalid',
      code: ChaincodeErrorCode.INVALID_RESOURCE,
      reason: problem,
      ...(partialKey === undefined ? {} : { key: partialKey }),
    };
  }
  const resource = item as KeyedResource;
  const key = keyOf(resource);
  const hash = contentHash(resource);
  const existing = existingFor(key);
  if (existing === undefined) return { index, key, outcome: 'created', versionId: '1', hash };
  const { versionId } = existing;
  if (existing.hash === hash) return { index, key, outcome: 'unchanged', versionId, hash };
  return {
    index,
    key,
    outcome: 'conflict',
    versionId,
    hash: existing.hash,
    code: ChaincodeErrorCode.ALREADY_EXISTS,
    reason: `${key} already exists (version ${versionId}) with different content`,
  };
}

function keyOf(resource: KeyedResource): string {
  return recordStateKey(resource.resourceType, resource.id);
}

function keyIfPresent(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { resourceType, id } = item as Record<string, unknown>;
  return typeof resourceType === 'string' && typeof id === 'string'
    ? recordStateKey(resourceType, id)
    : undefined;
}
