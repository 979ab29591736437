/** The orderer's public surface; everything else in this folder is internal. */
export { BlockCutter, type CutterSettings, type OrderedMessage } from './block-cutter.js';
export { broadcastHandler, processBroadcast, UNKNOWN_CHANNEL_STATUS } from './broadcast.js';
export type { BroadcastDeps, BroadcastResult, ChannelLookup, ReceivedEnvelope } from './broadcast.js';
export { lastConfigIndexOf, readChainTip } from './chain-tip.js';
export { ChainHaltedError, ChannelChain, type ChainTip, type ChannelChainOptions } from './channel-chain.js';
export { deliverBlocks, deliverHandler, encodeDeliverBlock, encodeDeliverStatus } from './deliver.js';
export type { DeliverDeps, DeliverSink } from './deliver.js';
export {
  checkEnvelopeAccess,
  EnvelopeError,
  openEnvelope,
  type AccessResult,
  type OpenedEnvelope,
} from './envelope-access.js';
export {
  atomicBroadcastServiceDefinition,
  MAX_MESSAGE_BYTES,
  startOrdererGrpcServer,
} from './grpc-server.js';
export type { OrdererGrpcOptions, OrdererGrpcServer } from './grpc-server.js';
export { OrdererMetrics } from './metrics.js';
export {
  OrdererConfigError,
  OrdererNode,
  type ChannelSource,
  type OrdererNodeOptions,
} from './orderer-node.js';
export { startOrdererService, type OrdererService, type OrdererServiceOptions } from './orderer-service.js';
export {
  InProcessOrderingLog,
  OrderingLogClosedError,
  type OrderingEntry,
  type OrderingLog,
} from './ordering-log.js';
