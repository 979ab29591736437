/**
 * Fabric's peer.limits.concurrency for a gRPC service: at most `limit` calls in flight across all clients; the excess
 * is refused at once with RESOURCE_EXHAUSTED (Fabric's semaphore-based limiter does not queue). Blocking
 * CommitStatus calls and event streams hold a slot for as long as they run, as in Fabric.
 */
import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { rpcError, Status } from './rpc-error.js';

type AnyHandler = (call: unknown, callback?: (...args: unknown[]) => void) => void;

export function concurrencyLimited<T extends UntypedServiceImplementation>(
  service: string,
  limit: number,
  implementation: T,
): T {
  let inFlight = 0;
  const refusal = () =>
    rpcError(
      Status.RESOURCE_EXHAUSTED,
      `too many requests for ${service}, exceeding concurrency limit (${limit})`,
    );
  const wrapped: Record<string, AnyHandler> = {};
  for (const [name, handler] of Object.entries(implementation) as [string, AnyHandler][]) {
    wrapped[name] = (call, callback) => {
      if (inFlight >= limit) {
        if (callback) callback(refusal());
        else (call as ServerWritableStream<unknown, unknown>).emit('error', refusal());
        return;
      }
      inFlight += 1;
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          inFlight -= 1;
        }
      };
      if (callback) {
        (call as NodeJS.EventEmitter).once('cancelled', release);
        handler(call, (...args: unknown[]) => {
          release();
          callback(...args);
        });
        return;
      }
      const stream = call as ServerWritableStream<unknown, unknown>;
      stream.once('finish', release);
      stream.once('cancelled', release);
      stream.once('close', release);
      stream.once('error', release);
      handler(call);
    };
  }
  return wrapped as unknown as T;
}
