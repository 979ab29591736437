/**
 * Test-only PKI and MSP: a throwaway CA per org issuing NodeOU certificates (@peculiar/x509), and an
 * IdentityValidator that checks chain, OU and low-S signatures, standing in for network/msp's real one.
 */
// @peculiar/x509's tsyringe needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import { createPrivateKey, verify, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { msp } from '@hyperledger/fabric-protos';
import {
  MspError,
  type IdentityValidator,
  type NodeOuRole,
  type SigningIdentity,
  type ValidatedIdentity,
} from '../../msp/types.js';
import { createTestSigner } from './test-signer.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const P256_HALF_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') / 2n;

export interface IssuedIdentity {
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  readonly privateKeyPem: string;
  readonly signer: SigningIdentity;
}

export interface TestCa {
  readonly mspId: string;
  readonly certificatePem: string;
  issue(
    commonName: string,
    ou: NodeOuRole | 'none',
    sans?: { dns?: string[]; ip?: string[] },
  ): Promise<IssuedIdentity>;
}

async function exportKey(key: webcrypto.CryptoKey): Promise<{ pem: string; key: KeyObject }> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const pem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return { pem, key: createPrivateKey(pem) };
}

export async function createTestCa(mspId: string, commonName = `ca.${mspId.toLowerCase()}`): Promise<TestCa> {
  const caKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const caName = `CN=${commonName}, O=${mspId}`;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: caName,
    keys: caKeys,
    signingAlgorithm: SIGNING,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  return {
    mspId,
    certificatePem: caCert.toString('pem'),
    async issue(cn, ou, sans) {
      const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
      const names: x509.JsonGeneralName[] = [
        ...(sans?.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
        ...(sans?.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
      ];
      const cert = await x509.X509CertificateGenerator.create({
        subject: ou === 'none' ? `CN=${cn}, O=${mspId}` : `CN=${cn}, OU=${ou}, O=${mspId}`,
        issuer: caCert.subject,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        signingAlgorithm: SIGNING,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        extensions: names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [],
      });
      const exported = await exportKey(keys.privateKey);
      const certificatePem = cert.toString('pem');
      return {
        certificatePem,
        privateKey: exported.key,
        privateKeyPem: exported.pem,
        signer: createTestSigner(mspId, certificatePem, exported.key),
      };
    },
  };
}

function isLowS(der: Uint8Array): boolean {
  const rLength = der[3] ?? 0;
  const sOffset = 4 + rLength;
  const sLength = der[sOffset + 1] ?? 0;
  const s = BigInt(
    `0x${Buffer.from(der.subarray(sOffset + 2, sOffset + 2 + sLength)).toString('hex') || '0'}`,
  );
  return s <= P256_HALF_N;
}

/** Accepts certificates issued by one of the given CAs that carry exactly one NodeOU. */
export class TestIdentityValidator implements IdentityValidator {
  private readonly cas = new Map<string, X509Certificate>();
  /** Like Fabric's MSP identity cache: parsing and chain checks happen once per distinct identity. */
  private readonly cache = new Map<string, ValidatedIdentity>();

  constructor(cas: readonly TestCa[]) {
    for (const ca of cas) this.cas.set(ca.mspId, new X509Certificate(ca.certificatePem));
  }

  validate(serializedIdentity: Uint8Array): ValidatedIdentity {
    const key = Buffer.from(serializedIdentity).toString('base64');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const validated = this.validateUncached(serializedIdentity);
    this.cache.set(key, validated);
    return validated;
  }

  private validateUncached(serializedIdentity: Uint8Array): ValidatedIdentity {
    let identity: msp.SerializedIdentity;
    try {
      identity = msp.SerializedIdentity.deserializeBinary(serializedIdentity);
    } catch (error) {
      throw new MspError('MALFORMED', `could not deserialize a SerializedIdentity: ${String(error)}`);
    }
    const mspId = identity.getMspid();
    const ca = this.cas.get(mspId);
    if (!ca) throw new MspError('UNKNOWN_MSP', `MSP ${mspId} is unknown`);
    const certificatePem = new TextDecoder().decode(identity.getIdBytes_asU8());
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certificatePem);
    } catch (error) {
      throw new MspError('MALFORMED', `could not parse the certificate: ${String(error)}`);
    }
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
      throw new MspError(
        'UNTRUSTED_CHAIN',
        'the supplied identity is not valid: x509: certificate signed by unknown authority',
      );
    }
    const ous = cert.subject
      .split('\n')
      .filter((line) => line.startsWith('OU='))
      .map((line) => line.slice(3));
    const roles = ous.filter((ou): ou is NodeOuRole => ['client', 'peer', 'admin', 'orderer'].includes(ou));
    const role = roles[0];
    if (roles.length !== 1 || !role)
      throw new MspError(
        'BAD_NODE_OU',
        'the identity must be a client, a peer, an orderer or an admin identity to be valid, not a combination of them',
      );
    const publicKey = cert.publicKey;
    return {
      mspId,
      role,
      certificatePem,
      verify: (message, signature) =>
        isLowS(signature) && verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature),
    };
  }
}
