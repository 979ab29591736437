/**
 * Test-only identities: P-256 keys that sign like Fabric's BCCSP (SHA-256, DER, low-S) and a tiny IdentityValidator
 * that knows them. `id_bytes` holds the public key PEM instead of a certificate: the ledger never looks inside it,
 * it only asks the validator, which is what the real MSP answers at this seam.
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import {
  MspError,
  type IdentityValidator,
  type NodeOuRole,
  type SigningIdentity,
  type ValidatedIdentity,
} from '../msp/types.js';

const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const HALF_N = N >> 1n;

export class TestIdentity implements SigningIdentity {
  readonly serialized: Uint8Array;
  readonly publicKeyPem: string;

  constructor(
    readonly mspId: string,
    readonly role: NodeOuRole,
    private readonly privateKey: KeyObject = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  ) {
    this.publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const identity = new msp.SerializedIdentity();
    identity.setMspid(mspId);
    identity.setIdBytes(Buffer.from(this.publicKeyPem, 'utf8'));
    this.serialized = identity.serializeBinary();
  }

  sign(message: Uint8Array): Uint8Array {
    const raw = sign('sha256', message, { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    const r = BigInt(`0x${raw.subarray(0, 32).toString('hex')}`);
    let s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
    if (s > HALF_N) s = N - s; // Node does not normalise; Fabric rejects S > n/2
    return derSignature(r, s);
  }
}

/** Knows the identities it was given; rejects anything else as Fabric's MSP would reject an unknown signer. */
export class TestIdentityValidator implements IdentityValidator {
  private readonly known = new Map<string, ValidatedIdentity>();

  constructor(identities: readonly TestIdentity[]) {
    for (const identity of identities) this.add(identity);
  }

  add(identity: TestIdentity): void {
    const key = createPublicKey(identity.publicKeyPem);
    this.known.set(Buffer.from(identity.serialized).toString('base64'), {
      mspId: identity.mspId,
      role: identity.role,
      certificatePem: identity.publicKeyPem,
      verify: (message, signature) => !highS(signature) && verify('sha256', message, key, signature),
    });
  }

  validate(serializedIdentity: Uint8Array): ValidatedIdentity {
    const found = this.known.get(Buffer.from(serializedIdentity).toString('base64'));
    if (found === undefined)
      throw new MspError('UNKNOWN_MSP', 'the identity is not known to the test validator');
    return found;
  }
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function highS(signature: Uint8Array): boolean {
  // SEQUENCE(len) INTEGER(rlen) r INTEGER(slen) s, all short-form lengths for P-256
  const rLength = signature[3] ?? 0;
  const sLength = signature[5 + rLength] ?? 0;
  const s = Buffer.from(signature.subarray(6 + rLength, 6 + rLength + sLength));
  return s.length === 0 || BigInt(`0x${s.toString('hex')}`) > HALF_N;
}
