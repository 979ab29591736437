/**
 * TRANSACTIONS_FILTER (Block.metadata.metadata[2]): raw bytes, one TxValidationCode per transaction. The committer
 * sets it before storing the block; every other byte of the block must stay as the orderer made it (header and data
 * hashes, clients' signatures), so the block is not re-encoded: only its top-level `metadata` field (3) is replaced,
 * at the wire level.
 */
import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { LedgerError } from './ledger-error.js';
import type { TxValidationCodeValue } from './types.js';

export const TRANSACTIONS_FILTER_INDEX = 2;
/** Fabric's InitBlockMetadata pads metadata to one entry per BlockMetadataIndex (5). */
const METADATA_SLOTS = 5;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export interface DecodedBlock {
  readonly number: number;
  /** BlockHeader.data_hash as the orderer set it. */
  readonly dataHash: Uint8Array;
  readonly envelopes: readonly Uint8Array[];
  readonly metadata: readonly Uint8Array[];
}

export function decodeBlock(blockBytes: Uint8Array): DecodedBlock {
  let block: common.Block;
  try {
    block = common.Block.deserializeBinary(blockBytes);
  } catch (cause) {
    throw new LedgerError('LEDGER_BAD_BLOCK', 'the block bytes are not a common.Block', { cause });
  }
  const header = block.getHeader();
  if (header === undefined) throw new LedgerError('LEDGER_BAD_BLOCK', 'the block has no header');
  return {
    number: header.getNumber(),
    dataHash: header.getDataHash_asU8(),
    envelopes: block.getData()?.getDataList_asU8() ?? [],
    metadata: block.getMetadata()?.getMetadataList_asU8() ?? [],
  };
}

/** Fabric's block data hash: SHA-256 over the concatenated envelopes (protoutil.ComputeBlockDataHash). */
export function checkDataHash(block: DecodedBlock): void {
  const hash = createHash('sha256');
  for (const envelope of block.envelopes) hash.update(envelope);
  if (!hash.digest().equals(block.dataHash)) {
    throw new LedgerError(
      'LEDGER_BAD_BLOCK',
      `block ${block.number} has a data_hash that does not match its data`,
    );
  }
}

/** The stored filter of a block, checked to hold one code per transaction. */
export function readTransactionsFilter(block: DecodedBlock): TxValidationCodeValue[] {
  const filter = block.metadata[TRANSACTIONS_FILTER_INDEX];
  if (filter?.length !== block.envelopes.length) {
    throw new LedgerError(
      'LEDGER_BAD_BLOCK',
      `block ${block.number} has a TRANSACTIONS_FILTER of ${filter?.length ?? 0} bytes for ${block.envelopes.length} transactions`,
    );
  }
  return [...filter] as TxValidationCodeValue[];
}

/** `blockBytes` with metadata[2] set to `codes`; the header and data fields are copied byte for byte. */
export function withTransactionsFilter(
  blockBytes: Uint8Array,
  metadata: readonly Uint8Array[],
  codes: readonly TxValidationCodeValue[],
): Uint8Array {
  const slots = [...metadata];
  while (slots.length < METADATA_SLOTS) slots.push(new Uint8Array(0));
  slots[TRANSACTIONS_FILTER_INDEX] = Uint8Array.from(codes);

  const kept: Uint8Array[] = [];
  let offset = 0;
  while (offset < blockBytes.length) {
    const fieldStart = offset;
    const [tag, afterTag] = readVarint(blockBytes, offset);
    offset = skipValue(blockBytes, afterTag, tag % 8);
    if (Math.floor(tag / 8) !== 3) kept.push(blockBytes.subarray(fieldStart, offset));
  }
  const body = Buffer.concat(
    slots.flatMap((slot) => [Buffer.from([0x0a]), varint(slot.length), Buffer.from(slot)]),
  );
  return Buffer.concat([...kept, Buffer.from([0x1a]), varint(body.length), body]);
}

function readVarint(bytes: Uint8Array, start: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let offset = start; offset < bytes.length && offset < start + 10; offset++) {
    const byte = bytes[offset] ?? 0;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, offset + 1];
  }
  throw new LedgerError('LEDGER_BAD_BLOCK', `truncated varint at byte ${start} of the block`);
}

function skipValue(bytes: Uint8Array, offset: number, wireType: number): number {
  let end: number;
  switch (wireType) {
    case WIRE_VARINT:
      end = readVarint(bytes, offset)[1];
      break;
    case WIRE_I64:
      end = offset + 8;
      break;
    case WIRE_LEN: {
      const [length, afterLength] = readVarint(bytes, offset);
      end = afterLength + length;
      break;
    }
    case WIRE_I32:
      end = offset + 4;
      break;
    default:
      throw new LedgerError(
        'LEDGER_BAD_BLOCK',
        `unsupported wire type ${wireType} at byte ${offset} of the block`,
      );
  }
  if (end > bytes.length)
    throw new LedgerError('LEDGER_BAD_BLOCK', `field overruns the block at byte ${offset}`);
  return end;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
