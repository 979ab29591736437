/**
 * Builds a common.Block from envelopes the way Fabric's orderer does (protoutil.NewBlock + multichannel/blockwriter.go):
 * header {number, previous_hash, data_hash}, data = the envelopes' bytes verbatim, and five metadata slots.
 */
import { randomBytes } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import type { SigningIdentity } from '../msp/types.js';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash.js';

/** common.BlockMetadataIndex. */
export const BlockMetadataIndex = {
  SIGNATURES: 0,
  LAST_CONFIG: 1,
  TRANSACTIONS_FILTER: 2,
  ORDERER: 3,
  COMMIT_HASH: 4,
} as const;

export interface BlockInput {
  readonly number: number;
  /** The previous block's header hash; empty for block 0. */
  readonly previousHash: Uint8Array;
  /** bytes(common.Envelope) per transaction, kept byte-exact (clients' signatures cover them). */
  readonly envelopes: readonly Uint8Array[];
  /** Number of the newest config block at or before this one (OrdererBlockMetadata.last_config). */
  readonly lastConfigIndex: number;
  /**
   * The orderer's identity. Without one the block carries OrdererBlockMetadata but no signature, exactly as
   * configtxgen's genesis block does.
   */
  readonly signer?: SigningIdentity;
  /** Consensus metadata (etcdraft.BlockMetadata bytes under Raft); empty for the in-process orderer. */
  readonly consenterMetadata?: Uint8Array;
}

export interface BuiltBlock {
  readonly number: number;
  /** SHA-256 of this block's DER header: the next block's previous_hash. */
  readonly headerHash: Uint8Array;
  readonly dataHash: Uint8Array;
  /** bytes(common.Block). */
  readonly bytes: Uint8Array;
}

/** The SIGNATURES slot: Metadata{value = bytes(OrdererBlockMetadata), signatures = [one orderer signature]}. */
function signaturesMetadata(input: BlockInput, headerDer: Uint8Array): Uint8Array {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(input.lastConfigIndex);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  const metadata = new common.Metadata();
  if (input.signer) {
    // blockwriter.addBlockSignature wraps the consenter metadata in a Metadata message; genesis has no such field.
    const consenter = new common.Metadata();
    consenter.setValue(input.consenterMetadata ?? new Uint8Array());
    ordererMetadata.setConsenterMetadata(consenter.serializeBinary());
  }
  const value = ordererMetadata.serializeBinary();
  metadata.setValue(value);
  if (input.signer) {
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(input.signer.serialized);
    signatureHeader.setNonce(randomBytes(24));
    const signatureHeaderBytes = signatureHeader.serializeBinary();
    // Signed bytes as blockwriter.addBlockSignature and protoutil.BlockSignatureVerifier agree on:
    // value ‖ signature_header ‖ DER(block header).
    const signed = Buffer.concat([value, signatureHeaderBytes, headerDer]);
    const signature = new common.MetadataSignature();
    signature.setSignatureHeader(signatureHeaderBytes);
    signature.setSignature(input.signer.sign(signed));
    metadata.setSignaturesList([signature]);
  }
  return metadata.serializeBinary();
}

/** Assembles, signs and serialises one block. */
export function buildBlock(input: BlockInput): BuiltBlock {
  const dataHash = blockDataHash(input.envelopes);
  const headerDer = blockHeaderBytes(input.number, input.previousHash, dataHash);

  const header = new common.BlockHeader();
  header.setNumber(input.number);
  header.setPreviousHash(input.previousHash);
  header.setDataHash(dataHash);

  const data = new common.BlockData();
  data.setDataList([...input.envelopes]);

  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(input.lastConfigIndex);
  const lastConfigMetadata = new common.Metadata();
  lastConfigMetadata.setValue(lastConfig.serializeBinary());

  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([
    signaturesMetadata(input, headerDer),
    lastConfigMetadata.serializeBinary(),
    // One code per transaction, 0 (VALID) as a placeholder the committing peer overwrites with its verdicts.
    new Uint8Array(input.envelopes.length),
    new Uint8Array(),
    new Uint8Array(),
  ]);

  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return {
    number: input.number,
    headerHash: blockHeaderHash(input.number, input.previousHash, dataHash),
    dataHash,
    bytes: block.serializeBinary(),
  };
}

/** The header fields of stored block bytes, for resuming a chain and for Deliver. */
export function readBlockHeader(blockBytes: Uint8Array): {
  number: number;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
} {
  const header = common.Block.deserializeBinary(blockBytes).getHeader();
  if (!header) throw new Error('block has no header');
  return {
    number: header.getNumber(),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
  };
}
