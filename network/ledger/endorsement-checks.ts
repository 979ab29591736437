/**
 * What Fabric's validation dispatcher and default validation plugin check on an endorser transaction
 * (core/committer/txvalidator/v20/plugindispatcher/dispatcher.go, common/policies SignatureSetToValidIdentities):
 * the ChaincodeAction and its read-write set decode, the chaincode ids agree, and every namespace the transaction
 * writes is endorsed according to its policy by the endorsers whose signatures hold.
 */
import { peer } from '@hyperledger/fabric-protos';
import type { PolicySigner } from '../msp/types.js';
import type { DecodedEndorserAction } from './envelope-checks.js';
import { decodeTxRwSet, type NsRwSet } from './rwset.js';
import { TxValidationCode, type CommitPolicies, type TxValidationCodeValue } from './types.js';

export interface EndorsedAction {
  readonly chaincodeName: string;
  readonly rwset: readonly NsRwSet[];
  /** bytes(ChaincodeEvent) when the chaincode set one. */
  readonly event: Uint8Array | undefined;
}

export interface EndorsementCheckResult {
  readonly code: TxValidationCodeValue;
  readonly action?: EndorsedAction;
}

export function checkEndorsedAction(
  extension: Uint8Array,
  decoded: DecodedEndorserAction,
  policies: CommitPolicies,
): EndorsementCheckResult {
  let headerExtension: peer.ChaincodeHeaderExtension;
  let chaincodeAction: peer.ChaincodeAction;
  let rwset: NsRwSet[];
  try {
    headerExtension = peer.ChaincodeHeaderExtension.deserializeBinary(extension);
  } catch {
    return { code: TxValidationCode.BAD_HEADER_EXTENSION };
  }
  try {
    chaincodeAction = peer.ChaincodeAction.deserializeBinary(decoded.chaincodeAction);
  } catch {
    return { code: TxValidationCode.BAD_RESPONSE_PAYLOAD };
  }
  try {
    rwset = decodeTxRwSet(chaincodeAction.getResults_asU8());
  } catch {
    return { code: TxValidationCode.BAD_RWSET };
  }

  const headerChaincode = headerExtension.getChaincodeId();
  const actionChaincode = chaincodeAction.getChaincodeId();
  if (headerChaincode === undefined || actionChaincode === undefined) {
    return { code: TxValidationCode.INVALID_OTHER_REASON };
  }
  const chaincodeName = headerChaincode.getName();
  if (
    chaincodeName === '' ||
    chaincodeName !== actionChaincode.getName() ||
    actionChaincode.getVersion() === ''
  ) {
    return { code: TxValidationCode.INVALID_CHAINCODE };
  }

  const eventBytes = chaincodeAction.getEvents_asU8();
  const event = eventBytes.length > 0 ? eventBytes : undefined;
  if (event !== undefined) {
    try {
      if (peer.ChaincodeEvent.deserializeBinary(event).getChaincodeId() !== chaincodeName) {
        return { code: TxValidationCode.INVALID_OTHER_REASON };
      }
    } catch {
      return { code: TxValidationCode.INVALID_OTHER_REASON };
    }
  }

  // The invoked chaincode always needs its endorsement; any other namespace only when the transaction writes it.
  const written = new Set<string>([chaincodeName]);
  const seen = new Set<string>();
  for (const ns of rwset) {
    if (seen.has(ns.namespace)) return { code: TxValidationCode.ILLEGAL_WRITESET };
    seen.add(ns.namespace);
    if (ns.writes.length > 0 || ns.metadataWrites.length > 0) written.add(ns.namespace);
  }

  const signers = validEndorsers(decoded, policies);
  for (const namespace of written) {
    if (!policies.endorsementSatisfied(namespace, signers)) {
      return { code: TxValidationCode.ENDORSEMENT_POLICY_FAILURE };
    }
  }
  return { code: TxValidationCode.VALID, action: { chaincodeName, rwset, event } };
}

/**
 * The endorsers whose identity is valid and whose signature over (proposal_response_payload ‖ endorser) verifies,
 * each identity once. A bad endorsement is dropped, not fatal: the policy then decides, as in Fabric.
 */
function validEndorsers(decoded: DecodedEndorserAction, policies: CommitPolicies): PolicySigner[] {
  const signers: PolicySigner[] = [];
  const seen = new Set<string>();
  for (const endorsement of decoded.endorsements) {
    const endorser = endorsement.getEndorser_asU8();
    let identity;
    try {
      identity = policies.identities.validate(endorser);
    } catch {
      continue;
    }
    const id = `${identity.mspId}\n${identity.certificatePem}`;
    if (seen.has(id)) continue;
    const signed = Buffer.concat([decoded.proposalResponsePayload, endorser]);
    if (!identity.verify(signed, endorsement.getSignature_asU8())) continue;
    seen.add(id);
    signers.push({ mspId: identity.mspId, role: identity.role });
  }
  return signers;
}
