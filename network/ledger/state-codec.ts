/**
 * The byte layout of the channel's LevelDB (world state, history index, txid index, savepoint), pure functions only.
 *
 * LevelDB compares keys bytewise, so laying a state key out as `s ‖ namespace ‖ 0x00 ‖ UTF-8(key)` makes a range
 * scan return keys in UTF-8 byte order, which is the order Fabric's goleveldb state database (and the shim's
 * iterators) use. Namespaces are chaincode names and never hold 0x00; keys may (composite keys start with it), so
 * every record that must end after the key (history) carries the key's length instead of a terminator.
 */
import { LedgerError } from './ledger-error.js';
import type { KeyVersion, TxValidationCodeValue } from './types.js';

const STATE = 0x73; // 's'
const HISTORY = 0x68; // 'h'
const TXID = 0x78; // 'x'
const SAVEPOINT = 0x70; // 'p'

const TWO_32 = 2 ** 32;

export const savepointKey: Buffer = Buffer.from([SAVEPOINT]);
/** Every state record lies in [stateKeysStart, stateKeysEnd). */
export const stateKeysStart: Buffer = Buffer.from([STATE]);
export const stateKeysEnd: Buffer = Buffer.from([STATE + 1]);

function writeBlockNum(target: Buffer, offset: number, blockNum: number): void {
  target.writeUInt32BE(Math.floor(blockNum / TWO_32), offset);
  target.writeUInt32BE(blockNum % TWO_32, offset + 4);
}

function readBlockNum(source: Buffer, offset: number): number {
  return source.readUInt32BE(offset) * TWO_32 + source.readUInt32BE(offset + 4);
}

function namespacePrefix(tag: number, namespace: string): Buffer {
  const ns = Buffer.from(namespace, 'utf8');
  const prefix = Buffer.allocUnsafe(ns.length + 2);
  prefix[0] = tag;
  ns.copy(prefix, 1);
  prefix[ns.length + 1] = 0;
  return prefix;
}

export function stateKey(namespace: string, key: string): Buffer {
  return Buffer.concat([namespacePrefix(STATE, namespace), Buffer.from(key, 'utf8')]);
}

/** LevelDB bounds of [startKey, endKey) in `namespace`; endKey '' is unbounded, as in Fabric's state database. */
export function stateRangeBounds(
  namespace: string,
  startKey: string,
  endKey: string,
): { gte: Buffer; lt: Buffer } {
  const prefix = namespacePrefix(STATE, namespace);
  const gte = Buffer.concat([prefix, Buffer.from(startKey, 'utf8')]);
  if (endKey !== '') return { gte, lt: Buffer.concat([prefix, Buffer.from(endKey, 'utf8')]) };
  const lt = Buffer.from(prefix);
  lt[lt.length - 1] = 1; // just past every key of the namespace
  return { gte, lt };
}

/** The namespace and key of a state record's LevelDB key. */
export function decodeStateKey(levelKey: Buffer): { namespace: string; key: string } {
  const zero = levelKey.indexOf(0, 1);
  if (levelKey[0] !== STATE || zero < 0) throw badRecord('state key', levelKey);
  return {
    namespace: levelKey.toString('utf8', 1, zero),
    key: levelKey.toString('utf8', zero + 1),
  };
}

export interface StateRecord {
  readonly value: Uint8Array;
  readonly version: KeyVersion;
  /** Fabric's key-level metadata (KVMetadataEntry name → value); undefined when the key has none. */
  readonly metadata: ReadonlyMap<string, Uint8Array> | undefined;
}

// blockNum(8) txNum(4) metadataLength(4) metadata value
export function encodeStateRecord(record: StateRecord): Buffer {
  const metadata = encodeMetadata(record.metadata);
  const head = Buffer.allocUnsafe(16);
  writeBlockNum(head, 0, record.version.blockNum);
  head.writeUInt32BE(record.version.txNum, 8);
  head.writeUInt32BE(metadata.length, 12);
  return Buffer.concat([head, metadata, record.value]);
}

export function decodeStateRecord(bytes: Buffer): StateRecord {
  if (bytes.length < 16) throw badRecord('state record', bytes);
  const metadataLength = bytes.readUInt32BE(12);
  if (16 + metadataLength > bytes.length) throw badRecord('state record', bytes);
  return {
    version: { blockNum: readBlockNum(bytes, 0), txNum: bytes.readUInt32BE(8) },
    metadata: metadataLength === 0 ? undefined : decodeMetadata(bytes.subarray(16, 16 + metadataLength)),
    value: bytes.subarray(16 + metadataLength),
  };
}

/** The version alone, without copying the value out. */
export function decodeStateVersion(bytes: Buffer): KeyVersion {
  if (bytes.length < 16) throw badRecord('state record', bytes);
  return { blockNum: readBlockNum(bytes, 0), txNum: bytes.readUInt32BE(8) };
}

// Entries sorted by name so equal metadata is equal bytes (the state fingerprint hashes these bytes).
function encodeMetadata(metadata: ReadonlyMap<string, Uint8Array> | undefined): Buffer {
  if (metadata === undefined || metadata.size === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const name of [...metadata.keys()].sort(compareUtf8)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const value = metadata.get(name) ?? new Uint8Array(0);
    const lengths = Buffer.allocUnsafe(8);
    lengths.writeUInt32BE(nameBytes.length, 0);
    lengths.writeUInt32BE(value.length, 4);
    parts.push(lengths, nameBytes, Buffer.from(value));
  }
  return Buffer.concat(parts);
}

function decodeMetadata(bytes: Buffer): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) throw badRecord('metadata', bytes);
    const nameLength = bytes.readUInt32BE(offset);
    const valueLength = bytes.readUInt32BE(offset + 4);
    const nameEnd = offset + 8 + nameLength;
    const valueEnd = nameEnd + valueLength;
    if (valueEnd > bytes.length) throw badRecord('metadata', bytes);
    entries.set(bytes.toString('utf8', offset + 8, nameEnd), bytes.subarray(nameEnd, valueEnd));
    offset = valueEnd;
  }
  return entries;
}

/** All history records of one key: `h ‖ namespace ‖ 0x00 ‖ keyLength(4) ‖ key`, then blockNum(8) txNum(4). */
export function historyKeyPrefix(namespace: string, key: string): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(keyBytes.length, 0);
  return Buffer.concat([namespacePrefix(HISTORY, namespace), length, keyBytes]);
}

export function historyKey(namespace: string, key: string, version: KeyVersion): Buffer {
  const suffix = Buffer.allocUnsafe(12);
  writeBlockNum(suffix, 0, version.blockNum);
  suffix.writeUInt32BE(version.txNum, 8);
  return Buffer.concat([historyKeyPrefix(namespace, key), suffix]);
}

export function historyVersion(levelKey: Buffer): KeyVersion {
  return {
    blockNum: readBlockNum(levelKey, levelKey.length - 12),
    txNum: levelKey.readUInt32BE(levelKey.length - 4),
  };
}

export interface HistoryRecord {
  readonly txId: string;
  readonly isDelete: boolean;
  readonly timestamp: { seconds: number; nanos: number };
  readonly value: Uint8Array;
}

// txIdLength(4) txId isDelete(1) seconds(8) nanos(4) value
export function encodeHistoryRecord(record: HistoryRecord): Buffer {
  const txId = Buffer.from(record.txId, 'utf8');
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(txId.length, 0);
  const tail = Buffer.allocUnsafe(13);
  tail[0] = record.isDelete ? 1 : 0;
  writeBlockNum(tail, 1, Math.max(0, record.timestamp.seconds));
  tail.writeUInt32BE(record.timestamp.nanos, 9);
  return Buffer.concat([head, txId, tail, record.value]);
}

export function decodeHistoryRecord(bytes: Buffer): HistoryRecord {
  if (bytes.length < 4) throw badRecord('history record', bytes);
  const txIdEnd = 4 + bytes.readUInt32BE(0);
  if (txIdEnd + 13 > bytes.length) throw badRecord('history record', bytes);
  return {
    txId: bytes.toString('utf8', 4, txIdEnd),
    isDelete: bytes[txIdEnd] === 1,
    timestamp: { seconds: readBlockNum(bytes, txIdEnd + 1), nanos: bytes.readUInt32BE(txIdEnd + 9) },
    value: bytes.subarray(txIdEnd + 13),
  };
}

export function txIdKey(txId: string): Buffer {
  return Buffer.concat([Buffer.from([TXID]), Buffer.from(txId, 'utf8')]);
}

export interface TxIdRecord {
  readonly blockNum: number;
  readonly txNum: number;
  readonly code: TxValidationCodeValue;
}

// blockNum(8) txNum(4) code(1)
export function encodeTxIdRecord(record: TxIdRecord): Buffer {
  const bytes = Buffer.allocUnsafe(13);
  writeBlockNum(bytes, 0, record.blockNum);
  bytes.writeUInt32BE(record.txNum, 8);
  bytes[12] = record.code;
  return bytes;
}

export function decodeTxIdRecord(bytes: Buffer): TxIdRecord {
  if (bytes.length !== 13) throw badRecord('txid record', bytes);
  return {
    blockNum: readBlockNum(bytes, 0),
    txNum: bytes.readUInt32BE(8),
    code: bytes[12] as TxValidationCodeValue,
  };
}

export function encodeSavepoint(blockNum: number): Buffer {
  const bytes = Buffer.allocUnsafe(8);
  writeBlockNum(bytes, 0, blockNum);
  return bytes;
}

export function decodeSavepoint(bytes: Buffer): number {
  if (bytes.length !== 8) throw badRecord('savepoint', bytes);
  return readBlockNum(bytes, 0);
}

/** Order of two strings by their UTF-8 bytes (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function badRecord(what: string, bytes: Buffer): LedgerError {
  return new LedgerError(
    'LEDGER_BAD_RECORD',
    `malformed ${what} in the state database (${bytes.length} bytes)`,
  );
}
