/** The HTTP headers the FHIR API speaks: weak ETags for versions, If-Match, and the ledger's commit evidence. */
import type { FastifyReply } from 'fastify';
import type { Committed, PhaseTimings } from '../common/ehr-contract.js';
import { BadRequestError, GatewayErrorCode } from './failure.js';

export function etagFor(versionId: string): string {
  return `W/"${versionId}"`;
}

/** `W/"3"` or `"3"` → `3`; undefined when the header is absent. */
export function parseIfMatch(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^\s*(?:W\/)?"([A-Za-z0-9\-.]{1,64})"\s*$/.exec(value ?? '');
  if (!match?.[1]) {
    throw new BadRequestError(GatewayErrorCode.BAD_IF_MATCH, 'If-Match must be a version ETag such as W/"3"');
  }
  return match[1];
}

export function serverTiming(timings: PhaseTimings): string {
  const ms = (value: number) => Math.max(0, value).toFixed(1);
  return `endorse;dur=${ms(timings.endorseMs)}, submit;dur=${ms(timings.submitMs)}, commit;dur=${ms(timings.commitMs)}`;
}

/** Written on every committed write so load tests can split latency by Fabric phase and find the transaction. */
export function setCommitHeaders(reply: FastifyReply, committed: Committed<unknown>): void {
  reply.header('x-fabric-tx-id', committed.txId);
  reply.header('server-timing', serverTiming(committed.timings));
}
