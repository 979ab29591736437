/**
 * The pipeline on worker threads: each chunk of records goes to the least busy worker, and results come back per
 * chunk in the order they were asked for (the caller keeps chunks in order). Start-up costs one schema index and
 * one load of the cached validators per worker, so the main thread should warm the validator cache first.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PipelineWorkerError } from '../errors.js';
import type { PipelineOptions } from '../core/record-pipeline.js';
import type { ProcessedRecord, RecordInput, RecordProcessor } from '../core/record-processor.js';
import type { ChunkRequest, ChunkResponse, RecordWorkerData } from './record-worker.js';

/** One worker per core, up to 8: past that the main thread's share (reading, dedupe, batching) is the limit. */
export function defaultWorkerCount(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(cores, 8) : 0;
}

interface Pending {
  resolve: (results: ProcessedRecord[]) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class RecordWorkerPool implements RecordProcessor {
  readonly parallelism: number;
  private readonly workers: PoolWorker[];
  private nextId = 0;
  private failure: PipelineWorkerError | undefined;
  private closing = false;

  /** `script` is the worker entry; only tests pass another (one that crashes on purpose). */
  constructor(
    count: number,
    options: PipelineOptions,
    private readonly script = new URL('./record-worker.js', import.meta.url),
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`worker count ${count} must be ≥ 1`);
    this.parallelism = count;
    const data: RecordWorkerData = { options };
    this.workers = Array.from({ length: count }, (_, index) => this.start(index, data));
  }

  process(records: readonly RecordInput[]): Promise<ProcessedRecord[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const target = this.workers.reduce((best, candidate) =>
      candidate.pending.size < best.pending.size ? candidate : best,
    );
    const id = this.nextId++;
    return new Promise<ProcessedRecord[]>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      const request: ChunkRequest = { id, records: records as RecordInput[] };
      target.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  private start(index: number, data: RecordWorkerData): PoolWorker {
    const worker = new Worker(this.script, { workerData: data });
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.on('message', (response: ChunkResponse) => {
      const pending = entry.pending.get(response.id);
      if (pending === undefined) return;
      entry.pending.delete(response.id);
      if ('error' in response) {
        pending.reject(
          new PipelineWorkerError(index, `record worker ${index} failed on a chunk: ${response.error}`),
        );
      } else pending.resolve(response.results);
    });
    worker.on('error', (error) => {
      this.fail(
        entry,
        new PipelineWorkerError(index, `record worker ${index} crashed: ${error.message}`, { cause: error }),
      );
    });
    worker.on('exit', (code) => {
      if (!this.closing)
        this.fail(entry, new PipelineWorkerError(index, `record worker ${index} exited with code ${code}`));
    });
    return entry;
  }

  /** A dead worker fails its chunks and every later call: the caller stops the run, and nothing is checkpointed past it. */
  private fail(entry: PoolWorker, error: PipelineWorkerError): void {
    this.failure ??= error;
    for (const pending of entry.pending.values()) pending.reject(error);
    entry.pending.clear();
  }
}
