/**
 * What `fhirledger up` brought up, written to `<devnet home>/stack.json` so that `down`, `load`, `npm start` and the
 * tests find the gateway, the credentials store and the seeded users without being told. The home is gitignored;
 * the users' password lives in its own 0600 file beside it, never in this description.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SeededUserCounts {
  readonly providers: number;
  readonly patients: number;
  readonly regulators: number;
}

export interface StackDescription {
  readonly version: 1;
  /** The network profile (network.json's): dev, or paper's 3 orgs × 2 peers with MAJORITY endorsement. */
  readonly profile: 'dev' | 'paper';
  /** Absolute devnet home. */
  readonly home: string;
  readonly gatewayUrl: string;
  readonly gatewayPort: number;
  /** fhirledger's connection profile of the devnet (the gateway's --connection-profile). */
  readonly connectionProfile: string;
  readonly credentialsStore: string;
  /** File holding the seeded users' password (mode 0600). */
  readonly passwordFile: string;
  readonly users: SeededUserCounts;
}

export function stackFile(home: string): string {
  return path.join(path.resolve(home), 'stack.json');
}

/** Where `up` keeps the gateway's credentials store, the users' identity files and their password. */
export function stackPaths(home: string): {
  credentialsStore: string;
  identitiesDir: string;
  passwordFile: string;
} {
  const root = path.join(path.resolve(home), 'gateway');
  return {
    credentialsStore: path.join(root, 'credentials.json'),
    identitiesDir: path.join(root, 'identities'),
    passwordFile: path.join(root, 'users.password'),
  };
}

export function writeStackDescription(description: StackDescription): void {
  writeFileSync(stackFile(description.home), `${JSON.stringify(description, null, 2)}\n`);
}

/** The stack brought up under `home`, or undefined when `up` never ran there. */
export function readStackDescription(home: string): StackDescription | undefined {
  const file = stackFile(home);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackDescription>;
  if (
    parsed.version !== 1 ||
    typeof parsed.gatewayUrl !== 'string' ||
    typeof parsed.passwordFile !== 'string'
  ) {
    throw new Error(`${file} is not a stack description written by this version of fhirledger up`);
  }
  // Written before the paper profile existed: those stacks were all dev.
  return { ...parsed, profile: parsed.profile ?? 'dev' } as StackDescription;
}

/** The seeded users' password, as `up` stored it. */
export function readStackPassword(description: Pick<StackDescription, 'passwordFile'>): string {
  return readFileSync(description.passwordFile, 'utf8').trim();
}
