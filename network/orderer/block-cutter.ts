/**
 * Fabric's block cutter (orderer/common/blockcutter/blockcutter.go), pure: messages in, batches out. A batch is cut
 * when adding a message would pass PreferredMaxBytes (the message starts the next batch), when the count reaches
 * MaxMessageCount, or when the caller's batch timer fires (cut()). A message larger than PreferredMaxBytes travels
 * alone, after the pending batch. AbsoluteMaxBytes is enforced earlier, by Broadcast's size filter.
 */

export interface CutterSettings {
  readonly maxMessageCount: number;
  readonly preferredMaxBytes: number;
}

export interface OrderedMessage {
  readonly envelope: Uint8Array;
  /** len(payload) + len(signature), Fabric's messageSizeBytes (not the encoded envelope's length). */
  readonly size: number;
}

export class BlockCutter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(private readonly settings: CutterSettings) {}

  /** Adds a message; returns the zero, one or two batches it completes. */
  ordered(message: OrderedMessage): Uint8Array[][] {
    const batches: Uint8Array[][] = [];
    if (message.size > this.settings.preferredMaxBytes) {
      if (this.pending.length > 0) batches.push(this.cut());
      batches.push([message.envelope]);
      return batches;
    }
    if (this.pendingBytes + message.size > this.settings.preferredMaxBytes) batches.push(this.cut());
    this.pending.push(message.envelope);
    this.pendingBytes += message.size;
    if (this.pending.length >= this.settings.maxMessageCount) batches.push(this.cut());
    return batches;
  }

  /** Returns the pending batch (possibly empty) and starts a new one. */
  cut(): Uint8Array[] {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return batch;
  }

  get pendingCount(): number {
    return this.pending.length;
  }
}
