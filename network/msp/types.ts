/**
 * The MSP seam between the devnet's parts: what the peer, the orderer and the validator need to know about an
 * identity, without knowing how certificates are parsed or chains checked.
 */

/** The NodeOU a certificate carries (Fabric's msp/config.yaml with `Enable: true`: exactly one of these). */
export type NodeOuRole = 'client' | 'peer' | 'admin' | 'orderer';

/** An identity that passed its MSP's checks: known MSP, chain to one of its root CAs, in date, exactly one NodeOU. */
export interface ValidatedIdentity {
  readonly mspId: string;
  readonly role: NodeOuRole;
  readonly certificatePem: string;
  /** ECDSA P-256 / SHA-256 over `message`, DER signature; false for a bad or high-S (S > n/2) signature. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Why an identity was refused; the messages follow Fabric's msp errors where a client can see them. */
export class MspError extends Error {
  constructor(
    readonly reason: 'MALFORMED' | 'UNKNOWN_MSP' | 'UNTRUSTED_CHAIN' | 'EXPIRED' | 'BAD_NODE_OU',
    message: string,
  ) {
    super(message);
    this.name = 'MspError';
  }
}

/** Validates `SerializedIdentity` bytes (msp.SerializedIdentity{mspid, id_bytes=PEM}); throws MspError. */
export interface IdentityValidator {
  validate(serializedIdentity: Uint8Array): ValidatedIdentity;
}

/** A node's or user's own signing identity. */
export interface SigningIdentity {
  readonly mspId: string;
  /** bytes(msp.SerializedIdentity{mspid, id_bytes = certificate PEM}) */
  readonly serialized: Uint8Array;
  /** DER ECDSA over SHA-256(message), normalised to low-S as Fabric's BCCSP does. */
  sign(message: Uint8Array): Uint8Array;
}

/** One signer of an endorsement or a block, as a policy sees it. */
export interface PolicySigner {
  readonly mspId: string;
  readonly role: NodeOuRole;
}

/**
 * A chaincode's endorsement policy, in the two forms the devnet supports: Fabric's signature policy text
 * (`OR('Org1MSP.peer','Org2MSP.peer')`, `AND(...)`, `OutOf(2, ...)`) or the channel's implicit MAJORITY Endorsement.
 */
export type EndorsementPolicySpec = { kind: 'signature'; text: string } | { kind: 'majority-of-orgs' };
