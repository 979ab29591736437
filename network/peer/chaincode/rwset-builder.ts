/**
 * The read-write set of one simulation, built as Fabric's rwsetutil.RWSetBuilder builds it: one entry per key (the
 * last read or write wins), reads/writes/metadata writes sorted by key, range query infos in the order their
 * iterators were opened and deduplicated by (start, end, exhausted). A namespace appears only once something was
 * recorded for it, so a simulation that touched nothing yields a TxReadWriteSet without namespaces.
 */
import { ledger } from '@hyperledger/fabric-protos';
import type { KeyVersion } from '../../ledger/types.js';
import { compareKeys } from './key-order.js';

const { kvrwset } = ledger.rwset;

export interface RangeQueryRecord {
  readonly startKey: string;
  readonly endKey: string;
  readonly itrExhausted: boolean;
  /** Every key the iterator produced, in order, with its committed version. */
  readonly rawReads: readonly { key: string; version: KeyVersion }[];
}

export class RwSetBuilder {
  private readonly reads = new Map<string, KeyVersion | undefined>();
  private readonly writes = new Map<string, Uint8Array>();
  private readonly metadataWrites = new Map<string, ReadonlyMap<string, Uint8Array>>();
  /** Filled when the simulation ends: Fabric collects range infos from its iterators at GetTxSimulationResults. */
  private readonly rangeQueries: RangeQueryRecord[] = [];
  private touched = false;

  constructor(private readonly namespace: string) {}

  addRead(key: string, version: KeyVersion | undefined): void {
    this.touched = true;
    this.reads.set(key, version);
  }

  /** An empty value is a delete (Fabric's newKVWrite: is_delete = len(value) == 0). */
  addWrite(key: string, value: Uint8Array): void {
    this.touched = true;
    this.writes.set(key, value);
  }

  /** Replaces the key's whole metadata map, as Fabric's SetStateMetadata does. */
  addMetadataWrite(key: string, metadata: ReadonlyMap<string, Uint8Array>): void {
    this.touched = true;
    this.metadataWrites.set(key, metadata);
  }

  addRangeQuery(record: RangeQueryRecord): void {
    this.touched = true;
    const duplicate = this.rangeQueries.some(
      (known) =>
        known.startKey === record.startKey &&
        known.endKey === record.endKey &&
        known.itrExhausted === record.itrExhausted,
    );
    if (!duplicate) this.rangeQueries.push(record);
  }

  /** bytes(rwset.TxReadWriteSet{data_model: KV, ns_rwset}). */
  build(): Uint8Array {
    const txRwSet = new ledger.rwset.TxReadWriteSet();
    txRwSet.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
    if (this.touched) {
      const nsRwSet = new ledger.rwset.NsReadWriteSet();
      nsRwSet.setNamespace(this.namespace);
      nsRwSet.setRwset(this.buildKvRwSet().serializeBinary());
      txRwSet.setNsRwsetList([nsRwSet]);
    }
    return txRwSet.serializeBinary();
  }

  private buildKvRwSet(): InstanceType<typeof kvrwset.KVRWSet> {
    const set = new kvrwset.KVRWSet();
    set.setReadsList(sortedKeys(this.reads).map((key) => kvRead(key, this.reads.get(key))));
    set.setRangeQueriesInfoList(this.rangeQueries.map(rangeQueryInfo));
    set.setWritesList(
      sortedKeys(this.writes).map((key) => {
        const value = this.writes.get(key) ?? new Uint8Array();
        const write = new kvrwset.KVWrite();
        write.setKey(key);
        write.setIsDelete(value.length === 0);
        write.setValue(value);
        return write;
      }),
    );
    set.setMetadataWritesList(
      sortedKeys(this.metadataWrites).map((key) => {
        const entries = this.metadataWrites.get(key) ?? new Map<string, Uint8Array>();
        const write = new kvrwset.KVMetadataWrite();
        write.setKey(key);
        write.setEntriesList(
          sortedKeys(entries).map((name) => {
            const entry = new kvrwset.KVMetadataEntry();
            entry.setName(name);
            entry.setValue(entries.get(name) ?? new Uint8Array());
            return entry;
          }),
        );
        return write;
      }),
    );
    return set;
  }
}

function sortedKeys(map: ReadonlyMap<string, unknown>): string[] {
  return [...map.keys()].sort(compareKeys);
}

function kvRead(key: string, version: KeyVersion | undefined): InstanceType<typeof kvrwset.KVRead> {
  const read = new kvrwset.KVRead();
  read.setKey(key);
  // A key that was missing is read without a version: the committer then checks it is still missing.
  if (version !== undefined) read.setVersion(protoVersion(version));
  return read;
}

function protoVersion(version: KeyVersion): InstanceType<typeof kvrwset.Version> {
  const proto = new kvrwset.Version();
  proto.setBlockNum(version.blockNum);
  proto.setTxNum(version.txNum);
  return proto;
}

function rangeQueryInfo(record: RangeQueryRecord): InstanceType<typeof kvrwset.RangeQueryInfo> {
  const info = new kvrwset.RangeQueryInfo();
  info.setStartKey(record.startKey);
  info.setEndKey(record.endKey);
  info.setItrExhausted(record.itrExhausted);
  // Fabric leaves reads_info unset when the iterator produced nothing (its results slice is nil).
  if (record.rawReads.length === 0) return info;
  const reads = new kvrwset.QueryReads();
  reads.setKvReadsList(record.rawReads.map((read) => kvRead(read.key, read.version)));
  info.setRawReads(reads);
  return info;
}
