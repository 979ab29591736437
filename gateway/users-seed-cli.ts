/**
 * `fhirledger users seed`: the composition root of seeding — flags and environment → the CA (a devnet home or an
 * explicit URL) → one scrypt hash of the seed password → users-seed.ts → one JSON summary on stdout (with the
 * users/s figure) and a readable line on stderr.
 */
import path from 'node:path';
import { defaultDevnetHome } from '../common/devnet-location.js';
import {
  ExitCode,
  parseCommandArgs,
  helpText,
  UsageError,
  type CommandSpec,
  type ParsedArgs,
} from '../common/cli-args.js';
import { ConfigError, loadSettings, settingFlags } from '../common/config-table.js';
import { CredentialStoreError } from './credential-store.js';
import { hashSecret } from './password-hash.js';
import type { CaTarget } from './seed-ca-enroller.js';
import { planSeedUsers, type SeedCounts } from './seed-plan.js';
import {
  DEFAULT_PASSWORD_ENV,
  REGISTRAR_SECRET_ENV,
  USERS_SEED_SETTINGS,
  type UsersSeedSettings,
} from './users-config.js';
import { SeedError, seedUsers, type SeedErrorCode } from './users-seed.js';

/** Rejected ids listed in the summary; the count is always complete. */
const LISTED_REJECTS = 20;
/** Settings that only make sense for an explicit CA (`--ca-url`). */
const EXPLICIT_CA_ONLY = ['tls-root', 'ca-name', 'msp-id', 'registrar-id', 'registrar-secret'] as const;

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
    'done, 1 unexpected failure, 2 bad flag/config, registrar refused or CA unreachable, 3 some users refused.',
  flags: settingFlags(USERS_SEED_SETTINGS),
};

/**
 * A CA that cannot be reached is exit 2, as every command answers a target it cannot reach (the user starts it or
 * points elsewhere); a refused registrar or a bad CA config is what the user gave us.
 */
const EXIT_FOR: Record<SeedErrorCode, ExitCode> = {
  SEED_CA_CONFIG: ExitCode.USAGE,
  SEED_REGISTRAR_REFUSED: ExitCode.USAGE,
  SEED_USER_REFUSED: ExitCode.FINISHED_WITH_FINDINGS,
  SEED_CA_UNAVAILABLE: ExitCode.USAGE,
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
    const settings = Object.freeze(loadSettings(USERS_SEED_SETTINGS, parsed.values, process.env));
    return await seed(settings, parsed.values);
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof CredentialStoreError
    ) {
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

async function seed(settings: Readonly<UsersSeedSettings>, flags: ParsedArgs['values']): Promise<ExitCode> {
  const counts = countsFrom(settings);
  const { concurrency, passwordEnv } = settings;
  const storeFile = settings.store;
  const identitiesDir = settings.identities ?? path.join(path.dirname(storeFile), 'identities');
  const password = process.env[passwordEnv] ?? '';
  // No built-in default: a printed demo password ends up in logs and screenshots; the load tests need it set anyway.
  if (password.length < 8)
    throw new UsageError(`set ${passwordEnv} to the users' password (at least 8 characters; never a flag)`);
  // Loaded only now: fabric-common, under fabric-ca-client, parses process.argv with yargs (nconf) when imported and
  // answers --help itself, then exits; our --help must be handled before.
  const ca = await import('./seed-ca-enroller.js');
  const target = caTargetFrom(settings, flags, ca);
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
  return report.rejected.length > 0 ? ExitCode.FINISHED_WITH_FINDINGS : ExitCode.OK;
}

function countsFrom(settings: Readonly<UsersSeedSettings>): SeedCounts {
  const { patients, providers, regulators } = settings;
  if (patients + providers + regulators === 0)
    throw new UsageError(
      'nothing to seed: give --providers, --patients and/or --regulators (at least one above 0)',
    );
  return { patients, providers, regulators };
}

function caTargetFrom(
  settings: Readonly<UsersSeedSettings>,
  flags: ParsedArgs['values'],
  ca: Pick<typeof import('./seed-ca-enroller.js'), 'caTargetFromDevnet' | 'readTlsRoot'>,
): CaTarget {
  const url = settings.caUrl;
  if (url === undefined) {
    // Flags only: a registrar secret in the environment is harmless when the devnet's CA is used.
    const stray = EXPLICIT_CA_ONLY.find((name) => flags[name] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} goes with --ca-url`);
    return ca.caTargetFromDevnet(settings.home ?? defaultDevnetHome());
  }
  if (flags.home !== undefined) throw new UsageError('give --home or --ca-url, not both');
  const required = (value: string | undefined, name: string): string => {
    if (value === undefined) throw new UsageError(`--${name} is required with --ca-url`);
    return value;
  };
  if (settings.registrarSecret === undefined)
    throw new UsageError(
      `--ca-url needs the registrar's secret: set ${REGISTRAR_SECRET_ENV} or --registrar-secret`,
    );
  return {
    url: url.replace(/\/$/, ''),
    caName: settings.caName,
    tlsRootCertPem: ca.readTlsRoot(required(settings.tlsRoot, 'tls-root')),
    mspId: settings.mspId,
    registrar: { id: required(settings.registrarId, 'registrar-id'), secret: settings.registrarSecret },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
