/**
 * Seeds the stack's users: provider1..N, patient1..N (patientId patient-1…), regulator1..N, enrolled from the
 * devnet's CA with role and patientId as certificate attributes, recorded in the gateway's credentials store.
 * TEMPORARY sequential version; replaced by `users seed`'s parallel one.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CaSession } from '../network/node/ca-client.js';
import { CA_BOOTSTRAP, endpoint, PEER_ORG } from '../network/node/dev-profile.js';
import { DevnetHome } from '../network/node/devnet-home.js';
import { readDescription } from '../network/node/network-description.js';
import { orgPaths } from '../network/msp/crypto-layout.js';
import { readStoreFile, upsertPrincipal } from '../gateway/credential-store.js';
import { hashSecret } from '../gateway/password-hash.js';
import type { SeededUserCounts } from './stack-file.js';

export interface SeedRequest extends SeededUserCounts {
  home: string;
  store: string;
  identitiesDir: string;
  password: string;
}

export async function seedStackUsers(request: SeedRequest): Promise<{ enrolled: number; existing: number }> {
  const home = new DevnetHome(request.home);
  const description = readDescription(home);
  const files = orgPaths(home.root, PEER_ORG);
  const ca = new CaSession(
    {
      url: `https://${endpoint(description.ports.ca)}`,
      caName: 'ca-org1',
      tlsRootCertPem: readFileSync(files.tlsCaCert, 'utf8'),
      mspId: PEER_ORG.mspId,
    },
    CA_BOOTSTRAP,
  );
  const known = new Set(
    existsSync(request.store) ? (await readStoreFile(request.store)).principals.map((p) => p.id) : [],
  );
  const users = [
    ...range(request.providers).map((n) => ({
      id: `provider${n}`,
      role: 'provider' as const,
      patientId: undefined,
    })),
    ...range(request.patients).map((n) => ({
      id: `patient${n}`,
      role: 'patient' as const,
      patientId: `patient-${n}`,
    })),
    ...range(request.regulators).map((n) => ({
      id: `regulator${n}`,
      role: 'regulator' as const,
      patientId: undefined,
    })),
  ];
  const secret = await hashSecret(request.password);
  let enrolled = 0;
  for (const user of users) {
    if (known.has(user.id)) continue;
    const identity = await ca.registerAndEnroll({
      id: user.id,
      type: 'client',
      attributes:
        user.patientId === undefined ? { role: user.role } : { role: user.role, patientId: user.patientId },
    });
    const dir = path.join(request.identitiesDir, user.id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, 'cert.pem'), identity.certificatePem);
    writeFileSync(path.join(dir, 'key.pem'), identity.privateKeyPem, { mode: 0o600 });
    await upsertPrincipal(request.store, {
      id: user.id,
      kind: 'user',
      role: user.role,
      ...(user.patientId === undefined ? {} : { patientId: user.patientId }),
      secret,
      fabricIdentity: {
        mspId: PEER_ORG.mspId,
        certificatePath: path.join(dir, 'cert.pem'),
        privateKeyPath: path.join(dir, 'key.pem'),
      },
    });
    enrolled += 1;
  }
  return { enrolled, existing: users.length - enrolled };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_unused, index) => index + 1);
}
