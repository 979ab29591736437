/**
 * The part of Fabric's query system chaincode (core/scc/qscc/query.go) that clients use to learn where the chain
 * ends: `GetChainInfo(channel)` → common.BlockchainInfo {height, currentBlockHash, previousBlockHash}. A client reads
 * it through the unmodified fabric-gateway client (`network.getContract('qscc').evaluateTransaction('GetChainInfo',
 * channel)`), which is how `fhirledger migrate verify` fixes the block it reads up to before it starts.
 *
 * The other qscc functions (GetBlockByNumber, GetTransactionByID, …) are not served: a block is read through the
 * Deliver service instead. Access is what the endorser's proposal checks allow (a valid creator of the channel's
 * MSPs), which is Fabric's default ACL for qscc (the channel's Readers).
 */
import { common, peer } from '@hyperledger/fabric-protos';
import type { ChannelLedger } from '../ledger/types.js';
import { blockHeaderHash } from '../protocol/block-hash.js';

export const QSCC = 'qscc';

export interface SystemChaincodeResult {
  status: number;
  message: string;
  payload: Uint8Array;
}

const OK = 200;
const ERROR = 500;

export async function invokeQscc(
  inputBytes: Uint8Array,
  channelId: string,
  ledger: Pick<ChannelLedger, 'height' | 'getBlockBytes'>,
): Promise<SystemChaincodeResult> {
  const args = peer.ChaincodeInput.deserializeBinary(inputBytes)
    .getArgsList_asU8()
    .map((arg) => Buffer.from(arg).toString('utf8'));
  const [fn, channel] = args;
  // Fabric's messages (query.go Invoke).
  if (args.length < 2) return failure(`Incorrect number of arguments, ${args.length}`);
  if (fn !== 'GetChainInfo') return failure(`Requested function ${fn ?? ''} not found.`);
  if (channel !== channelId) return failure(`Invalid chain ID, ${channel ?? ''}`);
  const info = new common.BlockchainInfo();
  const height = ledger.height();
  info.setHeight(height);
  if (height > 0) {
    const bytes = await ledger.getBlockBytes(height - 1);
    const header = bytes === undefined ? undefined : common.Block.deserializeBinary(bytes).getHeader();
    if (header === undefined)
      return failure(`Failed to get block info with error block ${height - 1} not found`);
    const previous = header.getPreviousHash_asU8();
    info.setCurrentblockhash(blockHeaderHash(header.getNumber(), previous, header.getDataHash_asU8()));
    info.setPreviousblockhash(previous);
  }
  return { status: OK, message: '', payload: info.serializeBinary() };
}

function failure(message: string): SystemChaincodeResult {
  return { status: ERROR, message, payload: new Uint8Array() };
}
