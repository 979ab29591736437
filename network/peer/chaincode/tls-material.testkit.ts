/**
 * TEST ONLY: a self-signed TLS server certificate for 127.0.0.1/localhost (its own root), as PEM files the
 * chaincode server's --chaincode-tls-cert-file / --chaincode-tls-key-file read.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
}

export async function writeSelfSignedServerTls(commonName = 'chaincode.example.com'): Promise<TlsFiles> {
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    signingAlgorithm: ECDSA,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: commonName },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
  const certPem = certificate.toString('pem');
  const dir = await mkdtemp(path.join(tmpdir(), 'ccaas-tls-'));
  const certFile = path.join(dir, 'server.crt');
  const keyFile = path.join(dir, 'server.key');
  await writeFile(certFile, certPem);
  await writeFile(keyFile, keyPem);
  return { certFile, keyFile, certPem };
}
