/**
 * The Fabric CA behind `fhirledger users seed`: where it is (a devnet home, or a URL + TLS root + registrar given
 * as flags), and the enroller that registers and enrols seeded users through it with the unmodified
 * fabric-ca-client (network/node/ca-client.ts `CaSession`). CA answers become SeedErrors by what they mean: no
 * answer at all (refused, reset, TLS, deadline) stops the run; a refusal names the user or the registrar.
 */
import { readFileSync } from 'node:fs';
import { orgPaths } from '../network/msp/crypto-layout.js';
import { CaSession } from '../network/node/ca-client.js';
import { CA_BOOTSTRAP, devProfile, endpoint, PEER_ORG } from '../network/node/dev-profile.js';
import { DevnetHome } from '../network/node/devnet-home.js';
import { readDescription } from '../network/node/network-description.js';
import { seedEnrollmentSecret, type SeedUser } from './seed-plan.js';
import { SeedError, type EnrolledUser, type UserEnroller } from './users-seed.js';

export interface CaTarget {
  readonly url: string;
  readonly caName: string;
  readonly tlsRootCertPem: string;
  readonly mspId: string;
  readonly registrar: { readonly id: string; readonly secret: string };
}

/** Each CA call gets this long; fabric-ca-client's own 3 s socket timeout only catches a silent socket. */
const CALL_DEADLINE_MS = 30_000;

/** The CA of the devnet in `homeRoot`: its port from network.json, the org's TLS CA, the bootstrap registrar. */
export function caTargetFromDevnet(homeRoot: string): CaTarget {
  const home = new DevnetHome(homeRoot);
  let port: number;
  try {
    port = readDescription(home).ports.ca;
  } catch (error) {
    throw new SeedError(
      'SEED_CA_CONFIG',
      `no devnet in ${home.root} (no readable network.json): run "fhirledger network up --home ${homeRoot}", ` +
        'or name a CA with --ca-url, --tls-root, --registrar-id and --registrar-secret',
      { cause: error },
    );
  }
  return {
    url: `https://${endpoint(port)}`,
    caName: devProfile().caName,
    tlsRootCertPem: readTlsRoot(orgPaths(home.root, PEER_ORG).tlsCaCert),
    mspId: PEER_ORG.mspId,
    registrar: { ...CA_BOOTSTRAP },
  };
}

export function readTlsRoot(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SeedError('SEED_CA_CONFIG', `TLS root ${file} cannot be read (${reason})`, { cause: error });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new SeedError('SEED_CA_CONFIG', `TLS root ${file} is not a PEM certificate`);
  return text;
}

export function caEnroller(target: CaTarget): UserEnroller {
  const session = new CaSession(
    { url: target.url, caName: target.caName, tlsRootCertPem: target.tlsRootCertPem, mspId: target.mspId },
    target.registrar,
  );
  return {
    mspId: target.mspId,
    async preflight() {
      try {
        await withDeadline(session.checkRegistrar(), `enrolling the registrar at ${target.url}`);
      } catch (error) {
        throw classify(error, target, () => ({
          code: 'SEED_REGISTRAR_REFUSED',
          message: `the CA at ${target.url} refused registrar "${target.registrar.id}": ${caMessage(error)}`,
        }));
      }
    },
    async enroll(user: SeedUser): Promise<EnrolledUser> {
      const secret = seedEnrollmentSecret(target.registrar.secret, target.caName, user.id);
      try {
        const outcome = await withDeadline(
          session.registerIfAbsent({ id: user.id, secret, type: 'client', attributes: user.attributes }),
          `registering ${user.id}`,
        );
        const identity = await withDeadline(session.enroll(user.id, secret), `enrolling ${user.id}`);
        return { ...identity, registered: outcome === 'registered' };
      } catch (error) {
        throw classify(error, target, () => ({
          code: 'SEED_USER_REFUSED',
          message: `the CA refused ${user.id}: ${caMessage(error)}${
            isAuthenticationFailure(error)
              ? ' (registered earlier with another secret, not by users seed with this registrar?)'
              : ''
          }`,
        }));
      }
    },
  };
}

/** A CA answer (fabric-ca-client copies the response's `errors` onto the error) is a refusal; anything else is no answer. */
function classify(
  error: unknown,
  target: CaTarget,
  refusal: () => { code: 'SEED_REGISTRAR_REFUSED' | 'SEED_USER_REFUSED'; message: string },
): SeedError {
  if (error instanceof SeedError) return error;
  if (caErrors(error) !== undefined) {
    const { code, message } = refusal();
    return new SeedError(code, message, { cause: error });
  }
  const reason =
    (error as { code?: unknown } | null)?.code ?? (error instanceof Error ? error.message : error);
  return new SeedError(
    'SEED_CA_UNAVAILABLE',
    `the Fabric CA at ${target.url} cannot be reached (${String(reason)}): is the devnet up? ` +
      '(fhirledger network status)',
    { cause: error },
  );
}

function caErrors(error: unknown): { code?: unknown; message?: unknown }[] | undefined {
  const errors = (error as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as { code?: unknown; message?: unknown }[]) : undefined;
}

function caMessage(error: unknown): string {
  const first = caErrors(error)?.[0];
  return first === undefined ? String(error) : `code ${String(first.code)} ${String(first.message)}`;
}

function isAuthenticationFailure(error: unknown): boolean {
  return caErrors(error)?.some((entry) => entry.code === 20) === true;
}

async function withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        Object.assign(new Error(`${what} took longer than ${CALL_DEADLINE_MS} ms`), { code: 'DEADLINE' }),
      );
    }, CALL_DEADLINE_MS);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
