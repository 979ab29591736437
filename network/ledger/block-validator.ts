/**
 * One block through the committer, in Fabric's order (core/committer/txvalidator/v20/validator.go, then
 * kvledger's state validation):
 *   1. per transaction: envelope checks, DUPLICATE_TXID against the ledger, endorsement checks;
 *   2. a txid seen twice among the transactions still VALID: the later ones are DUPLICATE_TXID;
 *   3. in block order, MVCC and phantom checks on the VALID endorser transactions, whose writes then apply at
 *      (block, tx index) so later transactions of the block see them.
 * Replay of a stored block skips 1-3 and applies the block's recorded TRANSACTIONS_FILTER instead.
 * The genesis block is not validated (Fabric commits it at channel join without validation): all its transactions
 * are VALID. Config transactions are VALID when well formed; the devnet does not apply config updates.
 */
import { BlockUpdate, compositeKey, type CommittedLookup } from './block-update.js';
import {
  decodeChaincodeEvent,
  decodeCommittedAction,
  decodeCommittedHeader,
  type CommittedTxHeader,
} from './committed-tx.js';
import { checkEndorsedAction } from './endorsement-checks.js';
import { checkEnvelope } from './envelope-checks.js';
import { checkReadConflicts } from './mvcc-checks.js';
import type { NsRwSet } from './rwset.js';
import { stateKey, type StateRecord } from './state-codec.js';
import type { DecodedBlock } from './transactions-filter.js';
import {
  TxValidationCode,
  type CommitPolicies,
  type CommittedTransaction,
  type TxValidationCodeValue,
} from './types.js';
import type { LevelOp, WorldState } from './world-state.js';

const ENDORSER_TRANSACTION = 3;

export interface BlockOutcome {
  readonly codes: TxValidationCodeValue[];
  readonly transactions: CommittedTransaction[];
  /** The block's LevelDB batch: state, history, txid index and savepoint. */
  readonly ops: LevelOp[];
}

interface TxWork {
  readonly envelope: Uint8Array;
  readonly header: CommittedTxHeader | undefined;
  code: TxValidationCodeValue;
  rwset?: readonly NsRwSet[];
  event?: Uint8Array | undefined;
}

export async function validateBlock(
  block: DecodedBlock,
  state: WorldState,
  policies: CommitPolicies,
): Promise<BlockOutcome> {
  const genesis = block.number === 0;
  const checked = block.envelopes.map((envelope) =>
    checkEnvelope(envelope, { identities: policies.identities, verifyCreator: !genesis }),
  );
  // A transaction refused before its header passed the checks is still indexed and reported under whatever
  // txid and type its channel header holds, as Fabric's block index does.
  const headers = checked.map(
    (result, index) => result.header ?? decodeCommittedHeader(block.envelopes[index] ?? new Uint8Array(0)),
  );
  const committedTxIds = await lookupCommittedTxIds(
    headers.map((header) => header?.txId),
    state,
  );

  const work: TxWork[] = checked.map((result, index) => {
    const tx: TxWork = {
      envelope: block.envelopes[index] ?? new Uint8Array(0),
      header: headers[index],
      code: genesis ? TxValidationCode.VALID : result.code,
    };
    if (tx.code !== TxValidationCode.VALID || result.header === undefined || result.action === undefined)
      return tx;
    if (committedTxIds.has(result.header.txId)) {
      tx.code = TxValidationCode.DUPLICATE_TXID;
      return tx;
    }
    const endorsed = checkEndorsedAction(result.header.extension, result.action, policies);
    tx.code = endorsed.code;
    tx.rwset = endorsed.action?.rwset;
    tx.event = endorsed.action?.event;
    return tx;
  });

  const seen = new Set<string>();
  for (const tx of work) {
    if (tx.code !== TxValidationCode.VALID || tx.header?.headerType !== ENDORSER_TRANSACTION) continue;
    if (seen.has(tx.header.txId)) tx.code = TxValidationCode.DUPLICATE_TXID;
    seen.add(tx.header.txId);
  }

  return applyBlock(block.number, work, committedTxIds, state, true);
}

export async function replayBlock(
  block: DecodedBlock,
  codes: readonly TxValidationCodeValue[],
  state: WorldState,
): Promise<BlockOutcome> {
  const work: TxWork[] = block.envelopes.map((envelope, index) => {
    const header = decodeCommittedHeader(envelope);
    const code = codes[index] ?? TxValidationCode.INVALID_OTHER_REASON;
    const tx: TxWork = { envelope, header, code };
    if (code === TxValidationCode.VALID && header?.headerType === ENDORSER_TRANSACTION) {
      const action = decodeCommittedAction(envelope, `transaction ${index} of block ${block.number}`);
      tx.rwset = action.rwset;
      tx.event = action.event;
    }
    return tx;
  });
  const committedTxIds = await lookupCommittedTxIds(
    work.map((tx) => tx.header?.txId),
    state,
  );
  return applyBlock(block.number, work, committedTxIds, state, false);
}

async function lookupCommittedTxIds(
  txIds: readonly (string | undefined)[],
  state: WorldState,
): Promise<Set<string>> {
  const distinct = [...new Set(txIds.filter((txId): txId is string => txId !== undefined && txId !== ''))];
  const records = await state.getTxIdRecords(distinct);
  return new Set(distinct.filter((_, index) => records[index] !== undefined));
}

async function applyBlock(
  blockNum: number,
  work: readonly TxWork[],
  committedTxIds: ReadonlySet<string>,
  state: WorldState,
  checkReads: boolean,
): Promise<BlockOutcome> {
  const committed = await preloadCommitted(work, state);
  const update = new BlockUpdate(blockNum);
  for (const [index, tx] of work.entries()) {
    if (tx.code !== TxValidationCode.VALID || tx.rwset === undefined || tx.header === undefined) continue;
    if (checkReads) {
      tx.code = await checkReadConflicts(tx.rwset, update, committed, state);
      if (tx.code !== TxValidationCode.VALID) continue;
    }
    update.applyTransaction(index, tx.header.txId, tx.header.timestamp, tx.rwset, committed);
  }

  const transactions: CommittedTransaction[] = work.map((tx, index) => {
    const txId = tx.header?.txId ?? '';
    update.recordTxId(txId, index, tx.code, committedTxIds.has(txId));
    const headerType = tx.header?.headerType ?? -1;
    // Once the action decoded, tx.event is the answer; a transaction refused earlier is decoded again for its event.
    const decoded = tx.rwset !== undefined;
    const event =
      decoded || headerType !== ENDORSER_TRANSACTION ? tx.event : decodeChaincodeEvent(tx.envelope);
    return {
      txId,
      index,
      code: tx.code,
      headerType,
      ...(event !== undefined ? { chaincodeEvent: event } : {}),
    };
  });
  return { codes: work.map((tx) => tx.code), transactions, ops: update.toLevelOps() };
}

/** One getMany for every key the block's candidate transactions read or write (Fabric's bulk preload). */
async function preloadCommitted(work: readonly TxWork[], state: WorldState): Promise<CommittedLookup> {
  const wanted = new Map<string, Buffer>();
  for (const tx of work) {
    if (tx.code !== TxValidationCode.VALID || tx.rwset === undefined) continue;
    for (const ns of tx.rwset) {
      const keys = [...ns.reads, ...ns.writes, ...ns.metadataWrites].map((entry) => entry.key);
      for (const key of keys) {
        const id = compositeKey(ns.namespace, key);
        if (!wanted.has(id)) wanted.set(id, stateKey(ns.namespace, key));
      }
    }
  }
  const ids = [...wanted.keys()];
  const records = await state.getRecords([...wanted.values()]);
  const found = new Map<string, StateRecord | undefined>(ids.map((id, index) => [id, records[index]]));
  return { get: (namespace, key) => found.get(compositeKey(namespace, key)) };
}
