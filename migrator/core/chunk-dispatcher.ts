/**
 * Hands records to the processor in chunks (256 records or 2 MiB of text, whichever comes first), keeps a few
 * chunks in flight (twice the processor's parallelism), and gives their results back strictly in input order.
 */
import type { RecordLocation } from './record-location.js';
import type { ProcessedRecord, RecordProcessor } from './record-processor.js';

export const DEFAULT_CHUNK_RECORDS = 256;
const CHUNK_BYTES = 1 << 21;

export interface ChunkEntry {
  ordinal: number;
  location: RecordLocation;
  text: string;
  /** Full size of an over-long line whose `text` is only its head (see io/sources/line-splitter.ts). */
  bytes?: number;
}

/** A chunk back from the processor: `results` in entry order, or the `error` that stopped it. */
export interface HandledChunk {
  entries: ChunkEntry[];
  results?: ProcessedRecord[];
  error?: unknown;
}

export class ChunkDispatcher {
  private readonly inFlight: Promise<HandledChunk>[] = [];
  private readonly maxInFlight: number;
  private chunk: ChunkEntry[] = [];
  private chunkBytes = 0;

  constructor(
    private readonly processor: RecordProcessor,
    private readonly chunkRecords: number,
    /** Called once per chunk, in input order; the next chunk waits for it. */
    private readonly onChunk: (chunk: HandledChunk) => Promise<void>,
  ) {
    this.maxInFlight = processor.parallelism * 2;
  }

  /** Adds a record; when its chunk is full, sends it and waits while too many chunks are in flight. */
  async add(entry: ChunkEntry): Promise<void> {
    this.chunk.push(entry);
    this.chunkBytes += entry.text.length;
    if (this.chunk.length < this.chunkRecords && this.chunkBytes < CHUNK_BYTES) return;
    this.send();
    while (this.inFlight.length >= this.maxInFlight) await this.handleNext();
  }

  /** Sends the last, partial chunk and hands back every chunk still in flight. */
  async finish(): Promise<void> {
    if (this.chunk.length > 0) this.send();
    while (this.inFlight.length > 0) await this.handleNext();
  }

  private send(): void {
    const entries = this.chunk;
    this.chunk = [];
    this.chunkBytes = 0;
    this.inFlight.push(
      this.processor.process(entries).then(
        (results) => ({ entries, results }),
        (error: unknown) => ({ entries, error }),
      ),
    );
  }

  private async handleNext(): Promise<void> {
    const next = this.inFlight.shift();
    if (next !== undefined) await this.onChunk(await next);
  }
}
