/**
 * `fhirledger users seed`: the composition root of seeding — flags and environment → the CA (a devnet home or an
 * explicit URL) → one scrypt hash of the seed password → users-seed.ts → one JSON summary on stdout (with the
 * users/s figure) and a readable line on stderr.
 */
import path from 'node:path';
import { defaultDevnetHome } from '../common/devnet-location.js';
import {
  ExitCode,
  intFlag,
  parseCommandArgs,
  helpText,
  stringFlag,
  UsageError,
  type CommandSpec,
  type ParsedArgs,
} from '../common/cli-args.js';
import { CredentialStoreError } from './credential-store.js';
import { hashSecret } from './password-hash.js';
import type { CaTarget } from './seed-ca-enroller.js';
import { MAX_SEED_COUNT, planSeedUsers, type SeedCounts } from './seed-plan.js';
import { SeedError, seedUsers, type SeedErrorCode } from './users-seed.js';

const DEFAULT_STORE = '.fhirledger/credentials.json';
const DEFAULT_PASSWORD_ENV = 'FHIRLEDGER_USER_PASSWORD';
const REGISTRAR_SECRET_ENV = 'FHIRLEDGER_CA_REGISTRAR_SECRET';
const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 64;
/** Rejected ids listed in the summary; the count is always complete. */
const LISTED_REJECTS = 20;

export const USERS_SEED_COMMAND: CommandSpec = {
  usage:
    'fhirledger users seed --patients N --providers N --regulators N [--home DEVNET_HOME | --ca-url URL ' +
    '--tls-root FILE --registrar-id ID --registrar-secret S] [--store FILE] [--password-env VAR] [--concurrency N]',
  summary:
    'Register and enrol users with a Fabric CA (fabric-ca-client) and record them in the gateway credentials store: ' +
    'provider1..N, patient1..N (certificate attributes role=patient, patientId=patient-<n>) and regulator1..N ' +
    '(role=provider / regulator). Each gets cert.pem and key.pem (0600) under the identities folder and the one ' +
    `password from $${DEFAULT_PASSWORD_ENV} (or --password-env; required, never a flag). Users already in the store ` +
    'with their identity files are kept unchanged, so re-running with the same or larger counts adds only the ' +
    'missing ones. Without --ca-url the CA is the devnet in --home. Prints a JSON summary with users/s. Exit 0 ' +
    'done, 1 CA unreachable or unexpected failure, 2 bad flag/config or registrar refused, 3 some users refused.',
  flags: {
    providers: { type: 'string', valueName: 'N', description: 'provider1..N, role=provider (default 0)' },
    patients: {
      type: 'string',
      valueName: 'N',
      description: 'patient1..N, role=patient, patientId=patient-<n> (default 0)',
    },
    regulators: { type: 'string', valueName: 'N', description: 'regulator1..N, role=regulator (default 0)' },
    home: {
      type: 'string',
      valueName: 'DIR',
      description: 'devnet home whose CA to use (default .fhirledger/devnet or $FHIRLEDGER_NETWORK_HOME)',
    },
    'ca-url': {
      type: 'string',
      valueName: 'URL',
      description: 'a Fabric CA instead of a devnet (https://…)',
    },
    'tls-root': {
      type: 'string',
      valueName: 'FILE',
      description: "the CA's TLS root certificate (with --ca-url)",
    },
    'ca-name': { type: 'string', valueName: 'NAME', description: 'CA name (with --ca-url; default ca-org1)' },
    'msp-id': {
      type: 'string',
      valueName: 'MSP',
      description: 'MSP of the identities (with --ca-url; default Org1MSP)',
    },
    'registrar-id': {
      type: 'string',
      valueName: 'ID',
      description: 'registrar enrolment id (with --ca-url)',
    },
    'registrar-secret': {
      type: 'string',
      valueName: 'S',
      description: `registrar secret (with --ca-url; prefer $${REGISTRAR_SECRET_ENV}: flags are visible to ps)`,
    },
    store: { type: 'string', valueName: 'FILE', description: `credentials store (default ${DEFAULT_STORE})` },
    identities: {
      type: 'string',
      valueName: 'DIR',
      description: 'identity files folder (default: identities/ next to the store)',
    },
    'password-env': {
      type: 'string',
      valueName: 'VAR',
      description: `env variable holding the users' password (default ${DEFAULT_PASSWORD_ENV})`,
    },
    concurrency: {
      type: 'string',
      valueName: 'N',
      description: `users registered and enrolled at once, 1–${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})`,
    },
  },
};

/** SEED_CA_UNAVAILABLE is an environment failure (the CA is down), the others are what the user gave us. */
const EXIT_FOR: Record<SeedErrorCode, ExitCode> = {
  SEED_CA_CONFIG: ExitCode.USAGE,
  SEED_REGISTRAR_REFUSED: ExitCode.USAGE,
  SEED_USER_REFUSED: ExitCode.FINISHED_WITH_REJECTS,
  SEED_CA_UNAVAILABLE: ExitCode.FAILURE,
};

export async function runUsersSeed(argv: readonly string[]): Promise<ExitCode> {
  try {
    const parsed = parseCommandArgs(USERS_SEED_COMMAND, argv);
    if (parsed.help) {
      process.stdout.write(helpText(USERS_SEED_COMMAND));
      return ExitCode.OK;
    }
    if (parsed.positionals.length > 0)
      throw new UsageError(`unexpected argument "${parsed.positionals[0] ?? ''}"`);
    return await seed(parsed.values);
  } catch (error) {
    if (error instanceof UsageError || error instanceof CredentialStoreError) {
      process.stderr.write(`fhirledger users seed: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof SeedError) {
      process.stderr.write(`fhirledger users seed: ${error.message} [${error.code}]\n`);
      return EXIT_FOR[error.code];
    }
    throw error;
  }
}

async function seed(values: ParsedArgs['values']): Promise<ExitCode> {
  const counts = countsFrom(values);
  const concurrency =
    values.concurrency === undefined
      ? DEFAULT_CONCURRENCY
      : intFlag(values, 'concurrency', 1, MAX_CONCURRENCY);
  const storeFile = stringFlag(values, 'store') ?? DEFAULT_STORE;
  const identitiesDir = stringFlag(values, 'identities') ?? path.join(path.dirname(storeFile), 'identities');
  const passwordEnv = stringFlag(values, 'password-env') ?? DEFAULT_PASSWORD_ENV;
  const password = process.env[passwordEnv] ?? '';
  // No built-in default: a printed demo password ends up in logs and screenshots; the load tests need it set anyway.
  if (password.length < 8)
    throw new UsageError(`set ${passwordEnv} to the users' password (at least 8 characters; never a flag)`);
  // Loaded only now: fabric-common, under fabric-ca-client, parses process.argv with yargs (nconf) when imported and
  // answers --help itself, then exits; our --help must be handled before.
  const ca = await import('./seed-ca-enroller.js');
  const target = caTargetFrom(values, ca);
  process.stderr.write(
    `users seed: ${counts.providers} providers, ${counts.patients} patients, ${counts.regulators} regulators via ` +
      `${target.url} (${target.caName}, registrar ${target.registrar.id}, secret ***), store ${storeFile}, ` +
      `identities ${identitiesDir}, concurrency ${concurrency}\n`,
  );
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  // One hash for every seeded user: they share one password by design (k6's LOAD_PASSWORD), so one salt reveals
  // nothing more than the plan already says, and N=2^15 per user would cost ~60 ms × users of CPU for nothing.
  const secret = await hashSecret(password);
  const hashSeconds = (performance.now() - started) / 1000;
  const report = await seedUsers(
    {
      users: planSeedUsers(counts),
      storeFile,
      identitiesDir,
      secret,
      concurrency,
      progress: process.stderr,
    },
    ca.caEnroller(target),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const usersPerSecond = report.added === 0 ? null : round(report.added / seconds);
  const summary = {
    store: storeFile,
    identities: identitiesDir,
    ca: target.url,
    requested: report.requested,
    added: report.added,
    reenrolled: report.reenrolled,
    kept: report.kept,
    rejected: report.rejected.length,
    rejectedUsers: report.rejected.slice(0, LISTED_REJECTS),
    concurrency,
    seconds: round(seconds),
    usersPerSecond,
    hashSeconds: round(hashSeconds),
    enrollSeconds: round(report.enrollSeconds),
    storeSeconds: round(report.storeSeconds),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.stderr.write(
    `users seed: ${report.added} added (${report.reenrolled} of them already registered), ${report.kept} kept, ` +
      `${report.rejected.length} refused in ${summary.seconds} s` +
      `${usersPerSecond === null ? '' : ` — ${usersPerSecond} users/s`}\n`,
  );
  for (const { id, reason } of summary.rejectedUsers) process.stderr.write(`  refused ${id}: ${reason}\n`);
  return report.rejected.length > 0 ? ExitCode.FINISHED_WITH_REJECTS : ExitCode.OK;
}

function countsFrom(values: ParsedArgs['values']): SeedCounts {
  const count = (name: 'patients' | 'providers' | 'regulators') =>
    values[name] === undefined ? 0 : intFlag(values, name, 0, MAX_SEED_COUNT);
  const counts = {
    patients: count('patients'),
    providers: count('providers'),
    regulators: count('regulators'),
  };
  if (counts.patients + counts.providers + counts.regulators === 0)
    throw new UsageError(
      'nothing to seed: give --providers, --patients and/or --regulators (at least one above 0)',
    );
  return counts;
}

function caTargetFrom(
  values: ParsedArgs['values'],
  ca: Pick<typeof import('./seed-ca-enroller.js'), 'caTargetFromDevnet' | 'readTlsRoot'>,
): CaTarget {
  const url = stringFlag(values, 'ca-url');
  const explicitOnly = ['tls-root', 'ca-name', 'msp-id', 'registrar-id', 'registrar-secret'] as const;
  if (url === undefined) {
    const stray = explicitOnly.find((name) => values[name] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} goes with --ca-url`);
    return ca.caTargetFromDevnet(stringFlag(values, 'home') ?? defaultDevnetHome());
  }
  if (values.home !== undefined) throw new UsageError('give --home or --ca-url, not both');
  if (!/^https?:\/\/[^/]+\/?$/.test(url))
    throw new UsageError(`--ca-url "${url}" is not http(s)://HOST:PORT`);
  const required = (name: string): string => {
    const value = stringFlag(values, name);
    if (value === undefined || value === '') throw new UsageError(`--${name} is required with --ca-url`);
    return value;
  };
  const registrarSecret = stringFlag(values, 'registrar-secret') ?? process.env[REGISTRAR_SECRET_ENV];
  if (registrarSecret === undefined || registrarSecret === '')
    throw new UsageError(
      `--ca-url needs the registrar's secret: set ${REGISTRAR_SECRET_ENV} or --registrar-secret`,
    );
  return {
    url: url.replace(/\/$/, ''),
    caName: stringFlag(values, 'ca-name') ?? 'ca-org1',
    tlsRootCertPem: ca.readTlsRoot(required('tls-root')),
    mspId: stringFlag(values, 'msp-id') ?? 'Org1MSP',
    registrar: { id: required('registrar-id'), secret: registrarSecret },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
