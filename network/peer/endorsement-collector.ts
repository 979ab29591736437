/**
 * Multi-organisation endorsement as Fabric's gateway does it (internal/pkg/gateway/endorse.go): the gateway peer
 * endorses first, then asks other organisations' peers through `protos.Endorser/ProcessProposal` until the
 * chaincode's endorsement policy is met — or, when the client names `endorsingOrganizations`, exactly those orgs.
 * Within an org, a peer that does not answer is replaced by the org's next peer; an org none of whose peers
 * answers is passed over for the next org (Fabric tries the next discovery layout). Every response must carry the
 * same ProposalResponsePayload (same read-write set and result), or the transaction is refused.
 *
 * Fabric finds the other peers through discovery and gossip; the devnet is given them in its config.
 */
import type { peer } from '@hyperledger/fabric-protos';
import type { PolicySigner } from '../msp/types.js';
import type { EndorserOutcome } from './endorser.js';
import type { EndpointError } from './rpc-error.js';

/** The peer could not be reached or did not answer in time: the org's next peer is tried. */
export class EndorserUnreachableError extends Error {
  readonly code = 'ENDORSER_UNREACHABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EndorserUnreachableError';
  }
}

/** Another peer's Endorser service; rejects with EndorserUnreachableError when it is down. */
export interface RemoteEndorser {
  readonly address: string;
  readonly mspId: string;
  processProposal(signed: peer.SignedProposal): Promise<peer.ProposalResponse>;
}

export interface CollectorDeps {
  readonly self: { readonly address: string; readonly mspId: string };
  /** The channel's application orgs in config order (the order orgs are asked in after the local one). */
  readonly orgs: readonly string[];
  /** Other peers by org, in the order they are tried. */
  readonly peers: ReadonlyMap<string, readonly RemoteEndorser[]>;
  /** The chaincode's endorsement policy, as the committing peers will evaluate it. */
  readonly satisfied: (chaincodeName: string, endorsers: readonly PolicySigner[]) => boolean;
}

export type Collected =
  | { readonly ok: true; readonly payload: Uint8Array; readonly endorsements: readonly peer.Endorsement[] }
  | {
      readonly ok: false;
      /** 'unavailable' when a named org has no peer at all (Fabric: UNAVAILABLE), else 'aborted'. */
      readonly kind: 'unavailable' | 'aborted';
      readonly message: string;
      readonly details: readonly EndpointError[];
    };

/** What an endorser's answer means for collection: an endorsement, or a reason it is not one. */
type Answer =
  | { readonly endorsed: true; readonly response: peer.ProposalResponse }
  | { readonly endorsed: false; readonly unreachable: boolean; readonly message: string };

export async function collectEndorsements(
  deps: CollectorDeps,
  signed: peer.SignedProposal,
  chaincodeName: string,
  localOutcome: EndorserOutcome,
  requestedOrgs: readonly string[],
): Promise<Collected> {
  const named = requestedOrgs.length > 0;
  const plan = named
    ? [...new Set(requestedOrgs)]
    : [deps.self.mspId, ...deps.orgs.filter((o) => o !== deps.self.mspId)];
  if (named) {
    const missing = plan.filter((org) => org !== deps.self.mspId && (deps.peers.get(org) ?? []).length === 0);
    if (missing.length > 0) {
      return {
        ok: false,
        kind: 'unavailable',
        message: `no endorsing peers found for organizations: ${JSON.stringify(missing)}`,
        details: [],
      };
    }
  }
  const details: EndpointError[] = [];
  const endorsements: peer.Endorsement[] = [];
  const signers: PolicySigner[] = [];
  let payload: Uint8Array | undefined;

  for (const org of plan) {
    const answer =
      org === deps.self.mspId
        ? localAnswer(localOutcome, deps.self, details)
        : await remoteAnswer(deps.peers.get(org) ?? [], signed, details);
    if (answer === 'refused') return { ok: false, kind: 'aborted', message: ENDORSE_FAILED, details };
    if (answer === undefined) {
      if (named) break; // a named org could not endorse: the client asked for exactly these
      continue;
    }
    const responsePayload = answer.getPayload_asU8();
    if (payload !== undefined && !Buffer.from(payload).equals(Buffer.from(responsePayload))) {
      details.push({ address: '', mspId: org, message: 'ProposalResponsePayloads do not match' });
      return { ok: false, kind: 'aborted', message: COLLECT_FAILED, details };
    }
    payload ??= responsePayload;
    const endorsement = answer.getEndorsement();
    if (endorsement !== undefined) endorsements.push(endorsement);
    signers.push({ mspId: org, role: 'peer' });
    if (!named && deps.satisfied(chaincodeName, signers)) return { ok: true, payload, endorsements };
  }
  if (named && payload !== undefined && endorsements.length === plan.length)
    return { ok: true, payload, endorsements };
  return { ok: false, kind: 'aborted', message: COLLECT_FAILED, details };
}

const COLLECT_FAILED =
  'failed to collect enough transaction endorsements, see attached details for more info';
/** A chaincode or endorser refusal: every peer would say the same, so Fabric stops there. */
const ENDORSE_FAILED = 'failed to endorse transaction, see attached details for more info';

function localAnswer(
  outcome: EndorserOutcome,
  self: { readonly address: string; readonly mspId: string },
  details: EndpointError[],
): peer.ProposalResponse | 'refused' {
  const answer = judge(outcome.response, outcome.error);
  if (answer.endorsed) return answer.response;
  details.push({ ...self, message: answer.message });
  return 'refused';
}

/** The org's peers in turn until one endorses; a chaincode refusal is final (the next peer would refuse too). */
async function remoteAnswer(
  peers: readonly RemoteEndorser[],
  signed: peer.SignedProposal,
  details: EndpointError[],
): Promise<peer.ProposalResponse | 'refused' | undefined> {
  for (const remote of peers) {
    let answer: Answer;
    try {
      answer = judge(await remote.processProposal(signed), undefined);
    } catch (error) {
      answer = {
        endorsed: false,
        unreachable: error instanceof EndorserUnreachableError,
        message: error instanceof Error ? error.message : String(error),
      };
    }
    if (answer.endorsed) return answer.response;
    details.push({ address: remote.address, mspId: remote.mspId, message: answer.message });
    if (!answer.unreachable) return 'refused';
  }
  return undefined;
}

function judge(response: peer.ProposalResponse, error: string | undefined): Answer {
  if (error !== undefined) return { endorsed: false, unreachable: false, message: error };
  const status = response.getResponse()?.getStatus() ?? 0;
  if (status < 200 || status >= 400 || response.getEndorsement() === undefined) {
    return {
      endorsed: false,
      unreachable: false,
      message: `chaincode response ${status}, ${response.getResponse()?.getMessage() ?? ''}`,
    };
  }
  return { endorsed: true, response };
}
