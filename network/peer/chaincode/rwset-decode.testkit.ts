/** TEST ONLY: bytes(TxReadWriteSet) as plain values (UTF-8 text for values), for exact deep-equal assertions. */
import { ledger } from '@hyperledger/fabric-protos';

const { kvrwset } = ledger.rwset;

export interface DecodedVersion {
  blockNum: number;
  txNum: number;
}

export interface DecodedRead {
  key: string;
  version?: DecodedVersion;
}

export interface DecodedNamespace {
  namespace: string;
  reads: DecodedRead[];
  ranges: { startKey: string; endKey: string; itrExhausted: boolean; rawReads?: DecodedRead[] }[];
  writes: { key: string; isDelete: boolean; value: string }[];
  metadataWrites: { key: string; entries: { name: string; value: string }[] }[];
}

export function decodeRwSet(bytes: Uint8Array): { dataModel: number; namespaces: DecodedNamespace[] } {
  const txRwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(bytes);
  return {
    dataModel: txRwSet.getDataModel(),
    namespaces: txRwSet.getNsRwsetList().map((ns) => {
      const set = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      return {
        namespace: ns.getNamespace(),
        reads: set.getReadsList().map(read),
        ranges: set.getRangeQueriesInfoList().map((info) => ({
          startKey: info.getStartKey(),
          endKey: info.getEndKey(),
          itrExhausted: info.getItrExhausted(),
          ...(info.hasRawReads() ? { rawReads: info.getRawReads()?.getKvReadsList().map(read) ?? [] } : {}),
        })),
        writes: set.getWritesList().map((write) => ({
          key: write.getKey(),
          isDelete: write.getIsDelete(),
          value: text(write.getValue_asU8()),
        })),
        metadataWrites: set.getMetadataWritesList().map((write) => ({
          key: write.getKey(),
          entries: write
            .getEntriesList()
            .map((entry) => ({ name: entry.getName(), value: text(entry.getValue_asU8()) })),
        })),
      };
    }),
  };
}

/** The one namespace a single-chaincode simulation produces. */
export function onlyNamespace(bytes: Uint8Array): DecodedNamespace {
  const { namespaces } = decodeRwSet(bytes);
  if (namespaces.length !== 1 || namespaces[0] === undefined) {
    throw new Error(`expected one namespace, found ${namespaces.length}`);
  }
  return namespaces[0];
}

function read(kvRead: InstanceType<typeof kvrwset.KVRead>): DecodedRead {
  const version = kvRead.getVersion();
  return {
    key: kvRead.getKey(),
    ...(version === undefined
      ? {}
      : { version: { blockNum: version.getBlockNum(), txNum: version.getTxNum() } }),
  };
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
