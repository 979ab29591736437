/**
 * The ledger seam: what the chaincode simulator and the peer services read, and what the committer reports.
 * Block numbers are JS numbers (safe to 2^53, far beyond any devnet).
 */

/** Fabric's key version: the block and the transaction index within it that last wrote the key. */
export interface KeyVersion {
  readonly blockNum: number;
  readonly txNum: number;
}

export interface VersionedValue {
  readonly value: Uint8Array;
  readonly version: KeyVersion;
}

export interface StateEntry {
  readonly key: string;
  readonly value: VersionedValue;
}

export interface HistoryEntry {
  readonly txId: string;
  readonly value: Uint8Array;
  readonly isDelete: boolean;
  /** The transaction's ChannelHeader timestamp. */
  readonly timestamp: { seconds: number; nanos: number };
  readonly blockNum: number;
  readonly txNum: number;
}

/**
 * Committed world state of one channel. Reads see committed state only (Fabric's simulation never sees pending
 * writes of other transactions). Ranges are ordered by the keys' UTF-8 bytes; `endKey` '' means unbounded and is
 * exclusive otherwise.
 */
export interface StateReader {
  getState(namespace: string, key: string): Promise<VersionedValue | undefined>;
  getStateRange(namespace: string, startKey: string, endKey: string): AsyncIterable<StateEntry>;
  /** Newest first. */
  getHistory(namespace: string, key: string): AsyncIterable<HistoryEntry>;
  /** Key-level metadata (validation parameter etc.), as the map fabric-shim's getStateValidationParameter reads. */
  getStateMetadata(namespace: string, key: string): Promise<Record<string, Uint8Array> | undefined>;
}

/** Fabric's TxValidationCode numbers used by the devnet (peer/transaction.proto). */
export const TxValidationCode = {
  VALID: 0,
  NIL_ENVELOPE: 1,
  BAD_PAYLOAD: 2,
  BAD_COMMON_HEADER: 3,
  BAD_CREATOR_SIGNATURE: 4,
  INVALID_ENDORSER_TRANSACTION: 5,
  INVALID_CONFIG_TRANSACTION: 6,
  UNSUPPORTED_TX_PAYLOAD: 7,
  BAD_PROPOSAL_TXID: 8,
  DUPLICATE_TXID: 9,
  ENDORSEMENT_POLICY_FAILURE: 10,
  MVCC_READ_CONFLICT: 11,
  PHANTOM_READ_CONFLICT: 12,
  UNKNOWN_TX_TYPE: 13,
  TARGET_CHAIN_NOT_FOUND: 14,
  MARSHAL_TX_ERROR: 15,
  NIL_TXACTION: 16,
  EXPIRED_CHAINCODE: 17,
  CHAINCODE_VERSION_CONFLICT: 18,
  BAD_HEADER_EXTENSION: 19,
  BAD_CHANNEL_HEADER: 20,
  BAD_RESPONSE_PAYLOAD: 21,
  BAD_RWSET: 22,
  ILLEGAL_WRITESET: 23,
  INVALID_WRITESET: 24,
  INVALID_CHAINCODE: 25,
  NOT_VALIDATED: 254,
  INVALID_OTHER_REASON: 255,
} as const;
export type TxValidationCodeValue = (typeof TxValidationCode)[keyof typeof TxValidationCode];

/** What the committer tells listeners (CommitStatus waiters, Deliver streams, ChaincodeEvents) after each block. */
export interface CommittedBlock {
  readonly number: number;
  /** bytes(common.Block) exactly as stored, TRANSACTIONS_FILTER filled in. */
  readonly blockBytes: Uint8Array;
  readonly transactions: readonly CommittedTransaction[];
}

export interface CommittedTransaction {
  readonly txId: string;
  readonly index: number;
  readonly code: TxValidationCodeValue;
  /** bytes(peer.ChaincodeEvent) when the transaction set one. */
  readonly chaincodeEvent?: Uint8Array;
  /** ChannelHeader.type (3 = ENDORSER_TRANSACTION, 1 = CONFIG). */
  readonly headerType: number;
}

/** Append-only, fsync'd block file(s) of one channel; blocks are kept as the exact bytes of common.Block. */
export interface BlockStore {
  /** Number of blocks stored (the next block's number). */
  height(): number;
  /** Appends block `number` (must equal height()); durable when the promise resolves. */
  append(number: number, blockBytes: Uint8Array): Promise<void>;
  get(number: number): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

/** Everything a peer needs from its ledger for one channel. */
export interface ChannelLedger extends StateReader {
  readonly channelId: string;
  height(): number;
  getBlockBytes(number: number): Promise<Uint8Array | undefined>;
  /** Where and how a transaction committed, or undefined while it has not. */
  getTxStatus(txId: string): Promise<{ blockNum: number; code: TxValidationCodeValue } | undefined>;
  /**
   * Validates `blockBytes` (a block as the orderer delivered it) transaction by transaction, sets its
   * TRANSACTIONS_FILTER, stores it and applies the valid writes; state never runs ahead of or behind the blocks.
   */
  commitBlock(blockBytes: Uint8Array): Promise<CommittedBlock>;
  /** Why blocks cannot be committed now (disk full, read-only…), until a commit succeeds again; else undefined. */
  commitFailure(): Error | undefined;
  /** Called after each committed block, in order. Returns the unsubscribe function. */
  onCommit(listener: (block: CommittedBlock) => void): () => void;
  close(): Promise<void>;
}

/** Per-transaction checks the ledger delegates to the MSP and the chaincode definitions. */
export interface CommitPolicies {
  identities: import('../msp/types.js').IdentityValidator;
  /** True when the endorsers satisfy `namespace`'s endorsement policy; false for an unknown chaincode too. */
  endorsementSatisfied(
    namespace: string,
    endorsers: readonly import('../msp/types.js').PolicySigner[],
  ): boolean;
}
