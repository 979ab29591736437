/**
 * Answers for requests that never reach a route because the HTTP layer gave up on them: headers or body sent too
 * slowly (408 after --headers-timeout-ms / --receive-timeout-ms), headers larger than Node's limit (431), bytes
 * that are not HTTP (400). Fastify's default writes its own JSON shape; here it is an OperationOutcome like every
 * other refusal, and the socket is closed so a slow client cannot keep it.
 */
import type { Socket } from 'node:net';
import { describeAs, GatewayErrorCode, operationOutcome, type FailureDescription } from './failure.js';

const REASON_PHRASE: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

export function clientErrorFailure(error: { code?: unknown }): FailureDescription {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return describeAs(
        'request-timeout',
        GatewayErrorCode.REQUEST_TIMEOUT,
        'the request was not received in time; the connection is closed',
        undefined,
      );
    case 'HPE_HEADER_OVERFLOW':
      return describeAs(
        'headers-too-large',
        GatewayErrorCode.HEADERS_TOO_LARGE,
        'the request headers are larger than this server accepts',
        undefined,
      );
    default:
      return describeAs(
        'bad-request',
        GatewayErrorCode.MALFORMED_HTTP,
        'the request is not valid HTTP/1.1',
        undefined,
      );
  }
}

/** A fastify `clientErrorHandler`: writes the OperationOutcome if the socket still takes it, then closes. */
export function answerClientError(error: Error & { code?: unknown }, socket: Socket): void {
  // A reset socket has nobody to answer (as in fastify's default handler).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const failure = clientErrorFailure(error);
  if (socket.writable) {
    const body = JSON.stringify(operationOutcome(failure));
    socket.write(
      `HTTP/1.1 ${String(failure.status)} ${REASON_PHRASE[failure.status] ?? 'Error'}\r\n` +
        `Content-Type: application/fhir+json; charset=utf-8\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
