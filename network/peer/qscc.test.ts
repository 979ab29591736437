import assert from 'node:assert/strict';
import { common, peer } from '@hyperledger/fabric-protos';
import { blockHeaderHash } from '../protocol/block-hash.js';
import { invokeQscc } from './qscc.js';

function input(...args: string[]): Uint8Array {
  const message = new peer.ChaincodeInput();
  message.setArgsList(args.map((arg) => Buffer.from(arg)));
  return message.serializeBinary();
}

describe('qscc GetChainInfo', () => {
  const previous = Buffer.alloc(32, 7);
  const dataHash = Buffer.alloc(32, 9);
  const header = new common.BlockHeader();
  header.setNumber(2);
  header.setPreviousHash(previous);
  header.setDataHash(dataHash);
  const newest = new common.Block();
  newest.setHeader(header);
  const ledger = {
    height: () => 3,
    getBlockBytes: (number: number) => Promise.resolve(number === 2 ? newest.serializeBinary() : undefined),
  };

  it("answers the height and the newest block's header hashes as a BlockchainInfo", async () => {
    const result = await invokeQscc(input('GetChainInfo', 'mychannel'), 'mychannel', ledger);
    assert.equal(result.status, 200);
    const info = common.BlockchainInfo.deserializeBinary(result.payload);
    assert.equal(info.getHeight(), 3);
    assert.deepEqual(
      Buffer.from(info.getCurrentblockhash_asU8()),
      Buffer.from(blockHeaderHash(2, previous, dataHash)),
    );
    assert.deepEqual(Buffer.from(info.getPreviousblockhash_asU8()), previous);
  });

  it("refuses other functions, another channel and missing arguments with Fabric's messages", async () => {
    const cases: [Uint8Array, string][] = [
      [input('GetBlockByNumber', 'mychannel', '1'), 'Requested function GetBlockByNumber not found.'],
      [input('GetChainInfo', 'other'), 'Invalid chain ID, other'],
      [input('GetChainInfo'), 'Incorrect number of arguments, 1'],
    ];
    for (const [bytes, message] of cases) {
      const result = await invokeQscc(bytes, 'mychannel', ledger);
      assert.deepEqual([result.status, result.message], [500, message]);
    }
  });
});
