/**
 * Running TCP byte totals of one process from successive `ss` snapshots of its sockets. tcp_info counters live as
 * long as the socket, so a total is the sum, over every connection seen, of its last value minus its value when
 * counting began. Connections that open and close between two snapshots are never seen: the totals are a lower bound.
 */
import type { SocketBytes } from './proc-parsers.js';

interface Counters {
  sentBytes: number;
  receivedBytes: number;
}

export class SocketTally {
  private readonly baseline = new Map<string, Counters>();
  private readonly last = new Map<string, Counters>();
  private closed: Counters = { sentBytes: 0, receivedBytes: 0 };

  /**
   * `preexisting`: sockets in this snapshot were open before counting began, so only later bytes count. Sockets
   * first seen in later snapshots are new connections and count from zero.
   */
  observe(sockets: readonly SocketBytes[], preexisting: boolean): void {
    const seen = new Set<string>();
    for (const socket of sockets) {
      seen.add(socket.key);
      const previous = this.last.get(socket.key);
      // The same addresses with smaller counters: the old connection closed and a new one reused its ports.
      if (
        previous !== undefined &&
        (socket.sentBytes < previous.sentBytes || socket.receivedBytes < previous.receivedBytes)
      ) {
        this.retire(socket.key);
      }
      if (!this.baseline.has(socket.key)) {
        this.baseline.set(
          socket.key,
          preexisting ? { sentBytes: socket.sentBytes, receivedBytes: socket.receivedBytes } : zero(),
        );
      }
      this.last.set(socket.key, { sentBytes: socket.sentBytes, receivedBytes: socket.receivedBytes });
    }
    for (const key of [...this.last.keys()]) if (!seen.has(key)) this.retire(key);
  }

  totals(): Counters {
    const total = { ...this.closed };
    for (const [key, last] of this.last) {
      const base = this.baseline.get(key) ?? zero();
      total.sentBytes += last.sentBytes - base.sentBytes;
      total.receivedBytes += last.receivedBytes - base.receivedBytes;
    }
    return total;
  }

  private retire(key: string): void {
    const last = this.last.get(key) ?? zero();
    const base = this.baseline.get(key) ?? zero();
    this.closed = {
      sentBytes: this.closed.sentBytes + last.sentBytes - base.sentBytes,
      receivedBytes: this.closed.receivedBytes + last.receivedBytes - base.receivedBytes,
    };
    this.last.delete(key);
    this.baseline.delete(key);
  }
}

function zero(): Counters {
  return { sentBytes: 0, receivedBytes: 0 };
}
