/**
 * `fhirledger up`: the whole local stack in one idempotent command — the devnet (nodes and EHR chaincode), the
 * seeded users enrolled from its CA, and the FHIR gateway in front of it — then one screen saying where everything
 * is. What is already running is left as it is; users already seeded are kept.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DevnetHome } from '../network/node/devnet-home.js';
import { readDescription } from '../network/node/network-description.js';
import { networkUp, type ProfileName } from '../network/node/network-up.js';
import { startGateway, stopGateway } from './gateway-process.js';
import { seedStackUsers } from './seed-step.js';
import {
  readStackDescription,
  readStackPassword,
  stackPaths,
  writeStackDescription,
  type SeededUserCounts,
  type StackDescription,
} from './stack-file.js';

/**
 * The gateway's port at port offset 0; offset networks move it with the rest. The paper profile's sits in its own
 * 7100..7499 block (network/node/paper-profile.ts), so a dev and a paper stack at one offset run side by side as
 * their networks do — `bench papers` keeps the dev stack of paper 000's ramp while it measures Table 3 on paper.
 */
export const GATEWAY_BASE_PORT: Readonly<Record<ProfileName, number>> = { dev: 8080, paper: 7480 };

export interface StackUpOptions {
  readonly home: string;
  readonly portOffset: number | undefined;
  /** Undefined: the profile the home was created with (dev for a new one). */
  readonly profile: ProfileName | undefined;
  readonly users: SeededUserCounts;
  readonly gatewayLogLevel: string;
  /** Extra environment for the gateway process (see GatewayLaunch.extraEnv); the CLI sets none. */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
}

export interface StackUpResult {
  readonly stack: StackDescription;
  readonly text: string;
}

export async function stackUp(options: StackUpOptions): Promise<StackUpResult> {
  const network = await networkUp({
    home: options.home,
    portOffset: options.portOffset,
    profile: options.profile,
  });
  const home = new DevnetHome(options.home);
  const description = readDescription(home);
  const paths = stackPaths(home.root);
  const password = ensurePassword(paths.passwordFile);
  const previous = readStackDescription(home.root);
  // Seeding only adds: counts below what an earlier `up` seeded keep the users that exist.
  const users: SeededUserCounts = {
    providers: Math.max(options.users.providers, previous?.users.providers ?? 0),
    patients: Math.max(options.users.patients, previous?.users.patients ?? 0),
    regulators: Math.max(options.users.regulators, previous?.users.regulators ?? 0),
  };
  const seedStarted = performance.now();
  const seeded = await seedStackUsers({
    ...users,
    home: home.root,
    store: paths.credentialsStore,
    identitiesDir: paths.identitiesDir,
    password,
  });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const gatewayPort = GATEWAY_BASE_PORT[description.profile] + description.portOffset;
  // The gateway reads its credentials store once, at start: users seeded now reach it only through a restart.
  if (seeded.enrolled > 0) await stopGateway(home.root);
  const gateway = await startGateway({
    home: home.root,
    port: gatewayPort,
    connectionProfile: home.fhirledgerProfile,
    credentialsStore: paths.credentialsStore,
    logLevel: options.gatewayLogLevel,
    ...(options.gatewayEnv === undefined ? {} : { extraEnv: options.gatewayEnv }),
  });
  const stack: StackDescription = {
    version: 1,
    profile: description.profile,
    home: home.root,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    gatewayPort,
    connectionProfile: home.fhirledgerProfile,
    credentialsStore: paths.credentialsStore,
    passwordFile: paths.passwordFile,
    users,
  };
  writeStackDescription(stack);
  const text = [
    network.text.trimEnd(),
    '',
    `fhirledger stack is up (profile ${description.profile}, home ${home.root})`,
    `  FHIR gateway   ${stack.gatewayUrl}/fhir  (pid ${gateway.pid}${gateway.started ? '' : ', already running'}; log ${gateway.log})`,
    `  connection     ${stack.connectionProfile}`,
    `  credentials    ${stack.credentialsStore}`,
    `  users          provider1..${users.providers}, patient1..${users.patients} (patientId patient-N), regulator1..${users.regulators}` +
      ` — ${seeded.enrolled} enrolled from the CA now in ${seedSeconds.toFixed(1)} s, ${seeded.existing} kept`,
    `  password       in ${stack.passwordFile} (mode 600)`,
    '  next           fhirledger load smoke',
    '  stop           fhirledger down   (--purge also deletes the ledger, crypto and users)',
    '',
  ].join('\n');
  return { stack, text };
}

/** The seeded users' password: made once per stack, random, kept in a 0600 file in the gitignored home. */
function ensurePassword(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
  }
  return readStackPassword({ passwordFile: file });
}
