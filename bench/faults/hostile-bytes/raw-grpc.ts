/**
 * gRPC calls with bytes we choose: @grpc/grpc-js's own client (the registry's library, real HTTP/2 framing and TLS)
 * with identity serializers, so a request goes out exactly as built here — truncated, garbage or oversized — and
 * responses come back undecoded. Every call has a deadline; a stream can be cancelled after a pause.
 */
import * as grpc from '@grpc/grpc-js';

/** What one raw call ended with: the gRPC status and every response message, as bytes. */
export interface RawCallResult {
  readonly code: grpc.status;
  readonly details: string;
  readonly responses: readonly Buffer[];
  /** Wall time from the call to its status. */
  readonly ms: number;
}

const passThrough = (bytes: Buffer): Buffer => bytes;

export function rawUnary(
  client: grpc.Client,
  method: string,
  request: Buffer,
  deadlineMs: number,
): Promise<RawCallResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      method,
      passThrough,
      passThrough,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (error, response) => {
        const ms = Date.now() - started;
        if (error) resolve({ code: error.code, details: error.details, responses: [], ms });
        else resolve({ code: grpc.status.OK, details: '', responses: response ? [response] : [], ms });
      },
    );
  });
}

export interface RawStreamOptions {
  readonly deadlineMs: number;
  /** Half-close after writing (the client is done); otherwise the stream stays open for the server to end. */
  readonly halfClose: boolean;
  /** Cancel the call this long after writing, if it has not ended by then (a seek that waits for a block). */
  readonly cancelAfterMs?: number;
}

/** A bidi call (Deliver, Broadcast): writes `requests` in order and collects responses until the status. */
export function rawBidi(
  client: grpc.Client,
  method: string,
  requests: readonly Buffer[],
  options: RawStreamOptions,
): Promise<RawCallResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const call = client.makeBidiStreamRequest(method, passThrough, passThrough, new grpc.Metadata(), {
      deadline: Date.now() + options.deadlineMs,
    });
    const responses: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    call.on('data', (bytes: Buffer) => {
      responses.push(bytes);
    });
    // The status event carries the outcome; 'error' repeats it for non-OK codes and needs a listener.
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => {
      if (timer) clearTimeout(timer);
      resolve({ code: status.code, details: status.details, responses, ms: Date.now() - started });
    });
    for (const request of requests) call.write(request);
    if (options.halfClose) call.end();
    if (options.cancelAfterMs !== undefined) {
      timer = setTimeout(() => {
        call.cancel();
      }, options.cancelAfterMs);
    }
  });
}

/** Status names for the page ("RESOURCE_EXHAUSTED" rather than 8). */
export function statusName(code: grpc.status): string {
  return grpc.status[code];
}
