/**
 * gateway.Gateway/ChaincodeEvents: one response per block holding events of the requested chaincode, from the start
 * position (or the block of `after_transaction_id`), valid transactions only; the stream never ends by itself.
 */
import type { ServerWritableStream } from '@grpc/grpc-js';
import { common, gateway, peer } from '@hyperledger/fabric-protos';
import type { ChannelLedger, CommittedTransaction } from '../ledger/types.js';
import { blockTransactions } from './block-transactions.js';
import { BlockFeed } from './block-feed.js';
import { rpcError, Status } from './rpc-error.js';
import { refuseSignedRequest, type ReadAccess } from './signed-request.js';

const VALID = 0;

export async function streamChaincodeEvents(
  deps: ReadAccess & { readonly channelId: string; readonly ledger: ChannelLedger },
  call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>,
): Promise<void> {
  const fail = (code: Status, message: string) => {
    call.emit('error', rpcError(code, message));
  };
  const requestBytes = call.request.getRequest_asU8();
  if (requestBytes.length === 0) {
    fail(Status.INVALID_ARGUMENT, 'a chaincode events request is required');
    return;
  }
  let request: gateway.ChaincodeEventsRequest;
  try {
    request = gateway.ChaincodeEventsRequest.deserializeBinary(requestBytes);
  } catch (error) {
    fail(Status.INVALID_ARGUMENT, `invalid chaincode events request: ${String(error)}`);
    return;
  }
  const refused = refuseSignedRequest(deps, request, requestBytes, call.request.getSignature_asU8());
  if (refused !== undefined) {
    call.emit('error', refused);
    return;
  }

  let start = deps.ledger.height();
  const afterTxId = request.getAfterTransactionId();
  const afterStatus = afterTxId === '' ? undefined : await deps.ledger.getTxStatus(afterTxId);
  if (afterStatus !== undefined) {
    start = afterStatus.blockNum;
  } else {
    const position = request.getStartPosition();
    if (position?.hasSpecified()) start = position.getSpecified()?.getNumber() ?? start;
  }

  const chaincodeId = request.getChaincodeId();
  let passedAfter = afterTxId === '';
  const matching = (transactions: readonly CommittedTransaction[]) => {
    const events: peer.ChaincodeEvent[] = [];
    for (const tx of transactions) {
      if (!passedAfter) {
        if (tx.txId === afterTxId) passedAfter = true;
        continue;
      }
      if (tx.code !== VALID || tx.chaincodeEvent === undefined) continue;
      const event = peer.ChaincodeEvent.deserializeBinary(tx.chaincodeEvent);
      if (event.getChaincodeId() === chaincodeId) events.push(event);
    }
    return events;
  };

  const feed = new BlockFeed(deps.ledger, start);
  call.on('cancelled', () => {
    feed.close();
  });
  for await (const block of feed) {
    const transactions = block.transactions ?? blockTransactions(common.Block.deserializeBinary(block.bytes));
    const events = matching(transactions);
    if (events.length === 0) continue;
    const response = new gateway.ChaincodeEventsResponse();
    response.setBlockNumber(block.number);
    response.setEventsList(events);
    if (!call.write(response)) await new Promise((resolve) => call.once('drain', resolve));
  }
}
