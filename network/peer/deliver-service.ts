/**
 * protos.Deliver on the peer (Fabric common/deliver/deliver.go with the peer's block, filtered-block and
 * block-and-private-data responses): each request is a signed SeekInfo envelope; blocks in [start, stop] are sent,
 * then a SUCCESS status, and the stream then takes the next request. Failures are a status response that ends the
 * stream: BAD_REQUEST for a malformed request or a start after the stop, NOT_FOUND for an unknown channel, a start
 * past the next block, or a block not there with FAIL_IF_NOT_READY, FORBIDDEN when the creator does not satisfy the
 * channel's Readers.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { common, orderer, peer } from '@hyperledger/fabric-protos';
import type { ChannelLedger } from '../ledger/types.js';
import { blockTransactions } from './block-transactions.js';
import { BlockFeed } from './block-feed.js';
import { checkSignedRequest, type ReadAccess } from './signed-request.js';

type DeliverKind = 'block' | 'filtered' | 'private';
type Stream = ServerDuplexStream<common.Envelope, peer.DeliverResponse>;
type DeliverStatus = common.StatusMap[keyof common.StatusMap];

export interface DeliverDeps extends ReadAccess {
  readonly channelId: string;
  readonly ledger: ChannelLedger;
  /** Fabric's deliver_streams_opened / deliver_streams_closed: a stream counts as closed once its handler returned. */
  readonly streams?: { opened(): void; closed(): void };
}

export function deliverService(deps: DeliverDeps): peer.IDeliverServer {
  const serve = (kind: DeliverKind) => (stream: Stream) => {
    void serveStream(deps, kind, stream);
  };
  return {
    deliver: serve('block'),
    deliverFiltered: serve('filtered'),
    deliverWithPrivateData: serve('private'),
  };
}

async function serveStream(deps: DeliverDeps, kind: DeliverKind, stream: Stream): Promise<void> {
  const state = { cancelled: false, ended: false };
  const feeds = new Set<BlockFeed>();
  deps.streams?.opened();
  stream.on('cancelled', () => {
    state.cancelled = true;
    for (const feed of feeds) feed.close();
  });
  // Fabric's Handle returns after any status but SUCCESS: the stream ends there; later requests are read and
  // dropped until the client lets go. The iterator must not destroy the call when the client half-closes (a
  // Readable's default): a destroyed call never sends its status, and the client would wait for its deadline.
  const end = () => {
    if (!state.ended) {
      state.ended = true;
      stream.end();
    }
  };
  try {
    const requests = stream.iterator({ destroyOnReturn: false }) as AsyncIterable<common.Envelope>;
    for await (const envelope of requests) {
      if (state.ended) continue;
      const status = await serveRequest(deps, kind, stream, envelope, feeds);
      if (state.cancelled) return;
      const response = new peer.DeliverResponse();
      response.setStatus(status);
      stream.write(response);
      if (status !== common.Status.SUCCESS) end();
    }
    end();
  } catch {
    // The client went away mid-stream; nothing is left to tell it.
    end();
  } finally {
    deps.streams?.closed();
  }
}

async function serveRequest(
  deps: DeliverDeps,
  kind: DeliverKind,
  stream: Stream,
  envelope: common.Envelope,
  feeds: Set<BlockFeed>,
): Promise<DeliverStatus> {
  let channelHeader: common.ChannelHeader;
  let signatureHeader: common.SignatureHeader;
  let seek: orderer.SeekInfo;
  try {
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = payload.getHeader();
    if (header === undefined) return common.Status.BAD_REQUEST;
    channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    seek = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
  } catch {
    return common.Status.BAD_REQUEST;
  }
  if (channelHeader.getChannelId() !== deps.channelId) return common.Status.NOT_FOUND;
  const denied = checkSignedRequest(
    deps,
    deps.channelId,
    envelope.getPayload_asU8(),
    signatureHeader.getCreator_asU8(),
    envelope.getSignature_asU8(),
  );
  if (denied !== undefined) return common.Status.FORBIDDEN;

  const height = deps.ledger.height();
  const start = position(seek.getStart(), height, 'start');
  const stop = position(seek.getStop(), height, 'stop');
  if (start === undefined || stop === undefined) return common.Status.BAD_REQUEST;
  // Fabric's FileLedger.Iterator: a start past the next block to be written can never be reached, whatever the
  // behaviour (BLOCK_UNTIL_READY waits only for the next block).
  if (start > height) return common.Status.NOT_FOUND;
  if (stop < start) return common.Status.BAD_REQUEST;
  const failIfNotReady = seek.getBehavior() === orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY;
  if (failIfNotReady && start >= height) return common.Status.NOT_FOUND;

  const feed = new BlockFeed(deps.ledger, start);
  feeds.add(feed);
  try {
    for (let number = start; number <= stop; number++) {
      if (number >= deps.ledger.height()) {
        if (failIfNotReady) return common.Status.NOT_FOUND;
        if (!(await feed.waitFor(number))) return common.Status.SERVICE_UNAVAILABLE;
      }
      const bytes = await deps.ledger.getBlockBytes(number);
      if (bytes === undefined) return common.Status.NOT_FOUND;
      if (!stream.write(responseFor(kind, bytes, deps.channelId))) {
        await new Promise((resolve) => stream.once('drain', resolve));
      }
    }
    return common.Status.SUCCESS;
  } finally {
    feed.close();
    feeds.delete(feed);
  }
}

/** Block number a seek position names; undefined for a position this request cannot use. */
function position(
  seek: orderer.SeekPosition | undefined,
  height: number,
  which: 'start' | 'stop',
): number | undefined {
  if (seek === undefined) return undefined;
  if (seek.hasOldest()) return 0;
  if (seek.hasNewest()) return Math.max(0, height - 1);
  if (seek.hasSpecified()) return seek.getSpecified()?.getNumber() ?? 0;
  if (seek.hasNextCommit()) return which === 'start' ? height : Number.MAX_SAFE_INTEGER;
  return undefined;
}

function responseFor(kind: DeliverKind, blockBytes: Uint8Array, channelId: string): peer.DeliverResponse {
  const block = common.Block.deserializeBinary(blockBytes);
  const response = new peer.DeliverResponse();
  if (kind === 'block') {
    response.setBlock(block);
  } else if (kind === 'private') {
    const withPrivateData = new peer.BlockAndPrivateData();
    withPrivateData.setBlock(block);
    response.setBlockAndPrivateData(withPrivateData);
  } else {
    response.setFilteredBlock(filtered(block, channelId));
  }
  return response;
}

/** Fabric's filtered block: tx ids, types, validation codes and chaincode events without their payloads. */
function filtered(block: common.Block, channelId: string): peer.FilteredBlock {
  const result = new peer.FilteredBlock();
  result.setChannelId(channelId);
  result.setNumber(block.getHeader()?.getNumber() ?? 0);
  result.setFilteredTransactionsList(
    blockTransactions(block).map((tx) => {
      const filteredTx = new peer.FilteredTransaction();
      filteredTx.setTxid(tx.txId);
      filteredTx.setType(tx.headerType as common.HeaderTypeMap[keyof common.HeaderTypeMap]);
      filteredTx.setTxValidationCode(tx.code);
      if (tx.chaincodeEvent !== undefined) {
        const event = peer.ChaincodeEvent.deserializeBinary(tx.chaincodeEvent);
        event.setPayload(new Uint8Array());
        const action = new peer.FilteredChaincodeAction();
        action.setChaincodeEvent(event);
        const actions = new peer.FilteredTransactionActions();
        actions.setChaincodeActionsList([action]);
        filteredTx.setTransactionActions(actions);
      }
      return filteredTx;
    }),
  );
  return result;
}
