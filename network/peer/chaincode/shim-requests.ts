/**
 * Answers one request a chaincode sends during a transaction, as Fabric's core/chaincode/handler.go does: decode
 * the payload, act on the transaction's simulator, reply RESPONSE echoing txid and channel_id — or ERROR whose
 * payload is "<TYPE> failed: transaction ID: <txid>: <reason>".
 */
import { peer } from '@hyperledger/fabric-protos';
import { SimulationError } from './simulation-error.js';
import type { Pagination, TxSimulator } from './tx-simulator.js';

const Type = peer.ChaincodeMessage.Type;
type MessageType = (typeof Type)[keyof typeof Type];

const TYPE_NAMES = new Map<number, string>(Object.entries(Type).map(([name, value]) => [value, name]));

export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? String(type);
}

/** The request types Fabric's handler serves in the ready state. */
export const REQUEST_TYPES: ReadonlySet<number> = new Set<MessageType>([
  Type.GET_STATE,
  Type.PUT_STATE,
  Type.DEL_STATE,
  Type.INVOKE_CHAINCODE,
  Type.GET_STATE_BY_RANGE,
  Type.GET_QUERY_RESULT,
  Type.QUERY_STATE_NEXT,
  Type.QUERY_STATE_CLOSE,
  Type.GET_HISTORY_FOR_KEY,
  Type.GET_STATE_METADATA,
  Type.PUT_STATE_METADATA,
  Type.GET_PRIVATE_DATA_HASH,
  Type.PURGE_PRIVATE_DATA,
  Type.WRITE_BATCH_STATE,
  Type.GET_STATE_MULTIPLE,
]);

export interface RequestScope {
  readonly channelId: string;
  readonly namespace: string;
  readonly simulator: TxSimulator;
}

export async function answerRequest(
  request: peer.ChaincodeMessage,
  scope: RequestScope,
): Promise<peer.ChaincodeMessage> {
  try {
    return reply(request, Type.RESPONSE, await serve(request, scope));
  } catch (error) {
    return errorReply(request, error instanceof Error ? error.message : String(error));
  }
}

/** ERROR for a request Fabric cannot tie to a running transaction (unknown or finished txid). */
export function noLedgerContextReply(request: peer.ChaincodeMessage): peer.ChaincodeMessage {
  return errorReply(request, 'no ledger context');
}

function errorReply(request: peer.ChaincodeMessage, reason: string): peer.ChaincodeMessage {
  const text = `${typeName(request.getType())} failed: transaction ID: ${request.getTxid()}: ${reason}`;
  return reply(request, Type.ERROR, new TextEncoder().encode(text));
}

function reply(
  request: peer.ChaincodeMessage,
  type: MessageType,
  payload: Uint8Array,
): peer.ChaincodeMessage {
  const message = new peer.ChaincodeMessage();
  message.setType(type);
  message.setPayload(payload);
  message.setTxid(request.getTxid());
  message.setChannelId(request.getChannelId());
  return message;
}

const EMPTY = new Uint8Array();

async function serve(request: peer.ChaincodeMessage, scope: RequestScope): Promise<Uint8Array> {
  const payload = request.getPayload_asU8();
  const { simulator } = scope;
  switch (request.getType()) {
    case Type.GET_STATE: {
      const get = decode(() => peer.GetState.deserializeBinary(payload));
      refusePrivateData(scope, get.getCollection());
      return simulator.getState(get.getKey());
    }
    case Type.PUT_STATE: {
      const put = decode(() => peer.PutState.deserializeBinary(payload));
      refusePrivateData(scope, put.getCollection());
      simulator.putState(put.getKey(), put.getValue_asU8());
      return EMPTY;
    }
    case Type.DEL_STATE: {
      const del = decode(() => peer.DelState.deserializeBinary(payload));
      refusePrivateData(scope, del.getCollection());
      simulator.putState(del.getKey(), EMPTY);
      return EMPTY;
    }
    case Type.GET_STATE_BY_RANGE: {
      const range = decode(() => peer.GetStateByRange.deserializeBinary(payload));
      const pagination = paginationOf(range.getMetadata_asU8());
      refusePrivateData(scope, range.getCollection());
      const response = await simulator.rangeQuery(range.getStartkey(), range.getEndkey(), pagination);
      return response.serializeBinary();
    }
    case Type.QUERY_STATE_NEXT: {
      const next = decode(() => peer.QueryStateNext.deserializeBinary(payload));
      return (await simulator.queryNext(next.getId())).serializeBinary();
    }
    case Type.QUERY_STATE_CLOSE: {
      const close = decode(() => peer.QueryStateClose.deserializeBinary(payload));
      await simulator.queryClose(close.getId());
      const response = new peer.QueryResponse();
      response.setHasMore(false);
      response.setId(close.getId());
      return response.serializeBinary();
    }
    case Type.GET_HISTORY_FOR_KEY: {
      const history = decode(() => peer.GetHistoryForKey.deserializeBinary(payload));
      return (await simulator.historyQuery(history.getKey())).serializeBinary();
    }
    case Type.GET_STATE_METADATA: {
      const get = decode(() => peer.GetStateMetadata.deserializeBinary(payload));
      refusePrivateData(scope, get.getCollection());
      const metadata = await simulator.getStateMetadata(get.getKey());
      const result = new peer.StateMetadataResult();
      result.setEntriesList(
        [...metadata.keys()].sort().map((metakey) => {
          const entry = new peer.StateMetadata();
          entry.setMetakey(metakey);
          entry.setValue(metadata.get(metakey) ?? EMPTY);
          return entry;
        }),
      );
      return result.serializeBinary();
    }
    case Type.PUT_STATE_METADATA: {
      const put = decode(() => peer.PutStateMetadata.deserializeBinary(payload));
      const metadata = put.getMetadata();
      if (metadata === undefined)
        throw new SimulationError('BAD_REQUEST', 'PutStateMetadata without metadata');
      refusePrivateData(scope, put.getCollection());
      simulator.putStateMetadata(put.getKey(), metadata.getMetakey(), metadata.getValue_asU8());
      return EMPTY;
    }
    case Type.GET_STATE_MULTIPLE: {
      const get = decode(() => peer.GetStateMultiple.deserializeBinary(payload));
      refusePrivateData(scope, get.getCollection());
      const values: Uint8Array[] = [];
      for (const key of get.getKeysList()) values.push(await simulator.getState(key));
      const result = new peer.GetStateMultipleResult();
      result.setValuesList(values);
      return result.serializeBinary();
    }
    case Type.WRITE_BATCH_STATE: {
      const batch = decode(() => peer.WriteBatchState.deserializeBinary(payload));
      for (const record of batch.getRecList()) writeRecord(record, scope);
      return EMPTY;
    }
    case Type.GET_QUERY_RESULT: {
      const query = decode(() => peer.GetQueryResult.deserializeBinary(payload));
      const pagination = paginationOf(query.getMetadata_asU8());
      refusePrivateData(scope, query.getCollection());
      // Fabric's LevelDB state database has no rich queries; the paginated form is refused with its own text.
      if (pagination !== undefined) {
        simulator.beginPaginatedQuery();
        throw new SimulationError(
          'RICH_QUERY_NOT_SUPPORTED',
          'ExecuteQueryWithMetadata not supported for leveldb',
        );
      }
      throw new SimulationError('RICH_QUERY_NOT_SUPPORTED', 'ExecuteQuery not supported for leveldb');
    }
    case Type.GET_PRIVATE_DATA_HASH:
      throw new SimulationError(
        'PRIVATE_DATA_NOT_SUPPORTED',
        `collection config not defined for chaincode [${scope.namespace}], pass the collection configuration upon chaincode definition/instantiation`,
      );
    case Type.PURGE_PRIVATE_DATA: {
      const purge = decode(() => peer.DelState.deserializeBinary(payload));
      if (purge.getCollection() === '') {
        throw new SimulationError('PRIVATE_DATA_NOT_SUPPORTED', 'only applicable for private data');
      }
      refusePrivateData(scope, purge.getCollection());
      return EMPTY;
    }
    case Type.INVOKE_CHAINCODE: {
      const spec = decode(() => peer.ChaincodeSpec.deserializeBinary(payload));
      // Fabric's ParseName: "name[:version][/channel]", the channel defaulting to the caller's.
      const [nameAndVersion = '', channel = scope.channelId] = (spec.getChaincodeId()?.getName() ?? '').split(
        '/',
        2,
      );
      const [target = ''] = nameAndVersion.split(':', 1);
      throw new SimulationError(
        'CHAINCODE_TO_CHAINCODE_NOT_SUPPORTED',
        `execute failed: chaincode-to-chaincode invocation of ${JSON.stringify(target)} on channel ${channel} is not supported by fabric-devnet`,
      );
    }
    default:
      throw new SimulationError(
        'UNSUPPORTED_REQUEST',
        `unsupported request type ${typeName(request.getType())}`,
      );
  }
}

function writeRecord(record: peer.WriteRecord, scope: RequestScope): void {
  refusePrivateData(scope, record.getCollection());
  switch (record.getType()) {
    case peer.WriteRecord.Type.PUT_STATE:
      scope.simulator.putState(record.getKey(), record.getValue_asU8());
      return;
    case peer.WriteRecord.Type.DEL_STATE:
      scope.simulator.putState(record.getKey(), EMPTY);
      return;
    case peer.WriteRecord.Type.PUT_STATE_METADATA: {
      const metadata = record.getMetadata();
      scope.simulator.putStateMetadata(
        record.getKey(),
        metadata?.getMetakey() ?? '',
        metadata?.getValue_asU8() ?? EMPTY,
      );
      return;
    }
    case peer.WriteRecord.Type.PURGE_PRIVATE_DATA:
      throw new SimulationError('PRIVATE_DATA_NOT_SUPPORTED', 'only applicable for private data');
    default:
      throw new SimulationError('BAD_REQUEST', 'unknown operation type');
  }
}

/** Fabric's isMetadataSetForPagination: QueryMetadata present with a page size or a bookmark. */
function paginationOf(metadataBytes: Uint8Array): Pagination | undefined {
  if (metadataBytes.length === 0) return undefined;
  const metadata = decode(() => peer.QueryMetadata.deserializeBinary(metadataBytes));
  const pagination = { pageSize: metadata.getPagesize(), bookmark: metadata.getBookmark() };
  return pagination.pageSize === 0 && pagination.bookmark === '' ? undefined : pagination;
}

/** The devnet defines no collections, so every collection is one Fabric's collection store cannot find. */
function refusePrivateData(scope: RequestScope, collection: string): void {
  if (collection === '') return;
  throw new SimulationError(
    'PRIVATE_DATA_NOT_SUPPORTED',
    `collection ${scope.channelId}/${scope.namespace}/${collection} could not be found`,
  );
}

function decode<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new SimulationError('BAD_REQUEST', `unmarshal failed: ${String(error)}`, { cause: error });
  }
}
