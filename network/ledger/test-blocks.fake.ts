/**
 * Test-only blocks as an orderer cuts them: header{number, previous_hash, data_hash = SHA-256 of the concatenated
 * envelopes}, the envelopes byte for byte, and no metadata yet (the committer adds TRANSACTIONS_FILTER). The
 * previous hash is not chained here: the ledger does not check it, the block store's owner does.
 */
import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';

export function buildBlock(number: number, envelopes: readonly Uint8Array[]): Uint8Array {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(
    createHash('sha256')
      .update(`block ${number - 1}`)
      .digest(),
  );
  header.setDataHash(
    createHash('sha256')
      .update(Buffer.concat([...envelopes]))
      .digest(),
  );
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  return block.serializeBinary();
}
