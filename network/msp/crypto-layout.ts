/**
 * Writes an org's crypto material in the layout Fabric's cryptogen and test network use, so that paths, file names
 * and config.yaml look exactly like what Fabric users and Fabric tooling expect:
 *
 *   organizations/peerOrganizations/org1.example.com/
 *     ca/ca.org1.example.com-cert.pem, ca/priv_sk          tlsca/tlsca.org1.example.com-cert.pem, tlsca/priv_sk
 *     msp/{cacerts,tlscacerts,config.yaml}
 *     peers/peer0.org1.example.com/{msp/{cacerts,keystore/priv_sk,signcerts,tlscacerts,config.yaml},tls/{ca.crt,server.crt,server.key}}
 *     users/User1@org1.example.com/{msp/...,tls/{ca.crt,client.crt,client.key}}
 *   organizations/ordererOrganizations/example.com/...      (orderers/orderer.example.com likewise)
 *
 * One addition cryptogen does not make: ca/server-tls/{server.crt,server.key}, the devnet CA's HTTPS certificate,
 * issued by the org's TLS CA (the test network's fabric-ca-server makes its own; ours is trusted via tlsca).
 * Private keys are PKCS#8 PEM, mode 0600.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRootCa, issueCertificate, type SigningCa, type SubjectSpec } from './cert-issuer.js';
import { exportPkcs8Pem, generateP256KeyPair } from './keys.js';
import type { NodeOuRole } from './types.js';

export interface OrgSpec {
  kind: 'peer' | 'orderer';
  /** e.g. `org1.example.com` or, for the orderer org, `example.com`. */
  domain: string;
  mspId: string;
  /** Short node names: `peer0`, `orderer`. Full name is `<node>.<domain>`. */
  nodes: readonly string[];
  /** Short user names: `Admin`, `User1`. Full name is `<user>@<domain>`. */
  users: readonly string[];
  /** Users whose certificate carries OU=admin; the rest are OU=client. Default: ['Admin']. */
  admins?: readonly string[];
  /** Extra SANs on every node TLS certificate (besides `<node>.<domain>`, `<node>`, localhost, 127.0.0.1). */
  extraTlsHosts?: readonly string[];
}

/** Where one node's or user's files are. */
export interface IdentityPaths {
  /** `peer0.org1.example.com` or `User1@org1.example.com`. */
  readonly name: string;
  readonly role: NodeOuRole;
  readonly mspDir: string;
  readonly signcert: string;
  readonly privateKey: string;
  readonly cacert: string;
  readonly tlscacert: string;
  readonly configYaml: string;
  readonly tlsDir: string;
  /** tls/ca.crt: the org's TLS CA root. */
  readonly tlsRootCert: string;
  /** tls/server.crt for nodes, tls/client.crt for users. */
  readonly tlsCert: string;
  readonly tlsKey: string;
}

export interface OrgPaths {
  readonly orgDir: string;
  readonly mspDir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly tlsCaCert: string;
  readonly tlsCaKey: string;
  /** The devnet CA server's HTTPS certificate and key (issued by the TLS CA). */
  readonly caServerTlsCert: string;
  readonly caServerTlsKey: string;
}

const CA_LOCATION = { country: 'US', state: 'California', locality: 'San Francisco' } as const;

export function orgPaths(home: string, org: Pick<OrgSpec, 'kind' | 'domain'>): OrgPaths {
  const orgDir = join(home, 'organizations', `${org.kind}Organizations`, org.domain);
  return {
    orgDir,
    mspDir: join(orgDir, 'msp'),
    caCert: join(orgDir, 'ca', `ca.${org.domain}-cert.pem`),
    caKey: join(orgDir, 'ca', 'priv_sk'),
    tlsCaCert: join(orgDir, 'tlsca', `tlsca.${org.domain}-cert.pem`),
    tlsCaKey: join(orgDir, 'tlsca', 'priv_sk'),
    caServerTlsCert: join(orgDir, 'ca', 'server-tls', 'server.crt'),
    caServerTlsKey: join(orgDir, 'ca', 'server-tls', 'server.key'),
  };
}

/** Paths of a node (`{ node: 'peer0' }`) or a user (`{ user: 'User1' }`) of the org. */
export function identityPaths(
  home: string,
  org: Pick<OrgSpec, 'kind' | 'domain'> & { admins?: readonly string[] },
  who: { node: string } | { user: string },
): IdentityPaths {
  const { orgDir } = orgPaths(home, org);
  const isNode = 'node' in who;
  const name = isNode ? `${who.node}.${org.domain}` : `${who.user}@${org.domain}`;
  const base = join(orgDir, isNode ? (org.kind === 'peer' ? 'peers' : 'orderers') : 'users', name);
  const mspDir = join(base, 'msp');
  const tlsDir = join(base, 'tls');
  const role: NodeOuRole = isNode
    ? org.kind
    : (org.admins ?? ['Admin']).includes(who.user)
      ? 'admin'
      : 'client';
  return {
    name,
    role,
    mspDir,
    signcert: join(mspDir, 'signcerts', `${name}-cert.pem`),
    privateKey: join(mspDir, 'keystore', 'priv_sk'),
    cacert: join(mspDir, 'cacerts', `ca.${org.domain}-cert.pem`),
    tlscacert: join(mspDir, 'tlscacerts', `tlsca.${org.domain}-cert.pem`),
    configYaml: join(mspDir, 'config.yaml'),
    tlsDir,
    tlsRootCert: join(tlsDir, 'ca.crt'),
    tlsCert: join(tlsDir, isNode ? 'server.crt' : 'client.crt'),
    tlsKey: join(tlsDir, isNode ? 'server.key' : 'client.key'),
  };
}

/** config.yaml with NodeOUs on, byte-for-byte the shape cryptogen writes (every OU certified by the org CA). */
export function nodeOusConfigYaml(domain: string): string {
  const cert = `cacerts/ca.${domain}-cert.pem`;
  const entry = (key: string, ou: NodeOuRole): string =>
    `  ${key}:\n    Certificate: ${cert}\n    OrganizationalUnitIdentifier: ${ou}\n`;
  return (
    'NodeOUs:\n  Enable: true\n' +
    entry('ClientOUIdentifier', 'client') +
    entry('PeerOUIdentifier', 'peer') +
    entry('AdminOUIdentifier', 'admin') +
    entry('OrdererOUIdentifier', 'orderer')
  );
}

export interface OrgCrypto {
  readonly spec: OrgSpec;
  readonly paths: OrgPaths;
  readonly caCertPem: string;
  readonly tlsCaCertPem: string;
  readonly identities: readonly IdentityPaths[];
}

/** Generates and writes all of an org's crypto material under `home`. Overwrites what is there. */
export async function writeOrgCrypto(home: string, spec: OrgSpec): Promise<OrgCrypto> {
  const paths = orgPaths(home, spec);
  const [ca, tlsCa] = await Promise.all([
    makeRootCa(`ca.${spec.domain}`, spec.domain, paths.caCert, paths.caKey),
    makeRootCa(`tlsca.${spec.domain}`, spec.domain, paths.tlsCaCert, paths.tlsCaKey),
  ]);
  await writeMspFolder(paths.mspDir, spec.domain, ca.certificatePem, tlsCa.certificatePem);

  const caHost = `ca.${spec.domain}`;
  await writeTlsPair(
    tlsCa,
    caHost,
    [caHost, 'localhost', '127.0.0.1'],
    paths.caServerTlsCert,
    paths.caServerTlsKey,
  );

  const identities: IdentityPaths[] = [];
  const work: Promise<void>[] = [];
  for (const node of spec.nodes) {
    const p = identityPaths(home, spec, { node });
    identities.push(p);
    const hosts = [p.name, node, 'localhost', '127.0.0.1', ...(spec.extraTlsHosts ?? [])];
    work.push(writeIdentity(p, spec.domain, ca, tlsCa, hosts));
  }
  for (const user of spec.users) {
    const p = identityPaths(home, spec, { user });
    identities.push(p);
    work.push(writeIdentity(p, spec.domain, ca, tlsCa, [p.name]));
  }
  await Promise.all(work);
  return { spec, paths, caCertPem: ca.certificatePem, tlsCaCertPem: tlsCa.certificatePem, identities };
}

async function makeRootCa(
  commonName: string,
  domain: string,
  certFile: string,
  keyFile: string,
): Promise<SigningCa> {
  const keys = generateP256KeyPair();
  const ca = await createRootCa({ ...CA_LOCATION, organization: domain, commonName }, keys);
  await writePem(certFile, ca.certificatePem);
  await writeKey(keyFile, exportPkcs8Pem(keys.privateKey));
  return ca;
}

async function writeMspFolder(
  mspDir: string,
  domain: string,
  caPem: string,
  tlsCaPem: string,
): Promise<void> {
  await writePem(join(mspDir, 'cacerts', `ca.${domain}-cert.pem`), caPem);
  await writePem(join(mspDir, 'tlscacerts', `tlsca.${domain}-cert.pem`), tlsCaPem);
  await writePem(join(mspDir, 'config.yaml'), nodeOusConfigYaml(domain));
}

async function writeIdentity(
  p: IdentityPaths,
  domain: string,
  ca: SigningCa,
  tlsCa: SigningCa,
  tlsHosts: readonly string[],
): Promise<void> {
  const keys = generateP256KeyPair();
  const subject: SubjectSpec = { ...CA_LOCATION, organizationalUnits: [p.role], commonName: p.name };
  const cert = await issueCertificate(ca, {
    subject,
    publicKey: keys.publicKey,
    profile: { kind: 'signing' },
  });
  await writeMspFolder(p.mspDir, domain, ca.certificatePem, tlsCa.certificatePem);
  await writePem(p.signcert, cert);
  await writeKey(p.privateKey, exportPkcs8Pem(keys.privateKey));
  await writePem(p.tlsRootCert, tlsCa.certificatePem);
  await writeTlsPair(tlsCa, p.name, tlsHosts, p.tlsCert, p.tlsKey);
}

async function writeTlsPair(
  tlsCa: SigningCa,
  commonName: string,
  hosts: readonly string[],
  certFile: string,
  keyFile: string,
): Promise<void> {
  const keys = generateP256KeyPair();
  const cert = await issueCertificate(tlsCa, {
    subject: { ...CA_LOCATION, commonName },
    publicKey: keys.publicKey,
    profile: { kind: 'tls', hosts },
  });
  await writePem(certFile, cert);
  await writeKey(keyFile, exportPkcs8Pem(keys.privateKey));
}

async function writePem(file: string, text: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text, { mode: 0o644 });
}

async function writeKey(file: string, pem: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, pem, { mode: 0o600 });
  // writeFile's mode only applies when it creates the file: an overwritten key must not keep a wider mode.
  await chmod(file, 0o600);
}
