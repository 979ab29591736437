/**
 * `fhirledger users add|seed`: writes credentials-store entries (scrypt-hashed secret, role, patient id, the files of
 * the user's Fabric identity). `add` records one user whose identity files already exist (and refuses files that do
 * not); `seed` enrols many from a Fabric CA (users-seed-cli.ts).
 */
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ROLES, type Role } from '../common/ehr-contract.js';
import { ExitCode, helpText, parseCommandArgs, UsageError, type CommandSpec } from '../common/cli-args.js';
import { ConfigError, loadSettings, settingFlags } from '../common/config-table.js';
import type { CommandRunner } from '../cli/command.js';
import { CredentialStoreError, upsertPrincipal, type Principal } from './credential-store.js';
import { hashSecret } from './password-hash.js';
import { USERS_ADD_SETTINGS, type UsersAddSettings } from './users-config.js';

export const USERS_ADD_COMMAND: CommandSpec = {
  usage: 'fhirledger users add --user ID --role ROLE [--patient-id ID] [--client] [options]',
  summary:
    'Add or replace a user (password grant) or client (client_credentials) in the gateway credentials store. ' +
    'The secret is read from the environment variable named by --password-env, else from the first line of stdin.',
  positionals: true,
  flags: {
    ...settingFlags(USERS_ADD_SETTINGS),
    client: { type: 'boolean', description: 'a client_credentials client instead of a password user' },
  },
};

const USERS_USAGE =
  'Usage: fhirledger users add|seed [options]\n\n' +
  '  add    add or replace a user or client in the gateway credentials store\n' +
  '  seed   register and enrol providers, patients and regulators with a Fabric CA\n\n' +
  'Run "fhirledger users add --help" or "fhirledger users seed --help" for their options.\n';

export const run: CommandRunner = async (argv) => {
  try {
    const [action, ...afterAction] = argv;
    if (action === undefined || action === '--help' || action === 'help') {
      process.stdout.write(USERS_USAGE);
      return action === undefined ? ExitCode.USAGE : ExitCode.OK;
    }
    if (action !== 'add' && action !== 'seed')
      throw new UsageError(`unknown users subcommand "${action}"; expected add or seed`);
    // Loaded only when asked for: it brings the Fabric CA client with it.
    if (action === 'seed') return await (await import('./users-seed-cli.js')).runUsersSeed(afterAction);
    const parsed = parseCommandArgs(USERS_ADD_COMMAND, afterAction);
    if (parsed.help) {
      process.stdout.write(helpText(USERS_ADD_COMMAND));
      return ExitCode.OK;
    }
    if (parsed.positionals.length > 0)
      throw new UsageError(`unexpected argument "${parsed.positionals[0] ?? ''}"`);
    const settings = Object.freeze(loadSettings(USERS_ADD_SETTINGS, parsed.values, process.env));
    const principal = await principalFrom(settings, parsed.values.client === true);
    const store = settings.store;
    const result = await upsertPrincipal(store, principal);
    process.stdout.write(
      `${JSON.stringify({ store, id: principal.id, role: principal.role, kind: principal.kind, result })}\n`,
    );
    return ExitCode.OK;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof CredentialStoreError
    ) {
      process.stderr.write(`fhirledger users: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    throw error;
  }
};

async function principalFrom(settings: Readonly<UsersAddSettings>, client: boolean): Promise<Principal> {
  const { user: id, role, patientId } = settings;
  if (id === undefined) throw new UsageError('--user is required: 1–128 of A-Z a-z 0-9 . _ @ -');
  if (role === undefined) throw new UsageError(`--role is required: one of ${ROLES.join(', ')}`);
  if (role === 'patient' && patientId === undefined)
    throw new UsageError('--patient-id is required for role patient');
  const certificatePath = settings.cert ?? `.fhirledger/identities/${id}/cert.pem`;
  const privateKeyPath = settings.key ?? `.fhirledger/identities/${id}/key.pem`;
  // The gateway would only find out at the user's first request; say it now, while the person is at the keyboard.
  requireFile(certificatePath, '--cert', 'identity certificate');
  requireFile(privateKeyPath, '--key', 'identity private key');
  const secret = await readSecret(settings.passwordEnv);
  if (secret.length < 8) throw new UsageError('the password / client secret must have at least 8 characters');
  return {
    id,
    kind: client ? 'client' : 'user',
    role: role as Role,
    ...(patientId !== undefined ? { patientId } : {}),
    secret: await hashSecret(secret),
    fabricIdentity: { mspId: settings.mspId, certificatePath, privateKeyPath },
  };
}

function requireFile(file: string, flag: string, what: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`${what} ${file} (${flag}) cannot be read: ${code}`);
  }
  if (!isFile) throw new UsageError(`${what} ${file} (${flag}) is not a file`);
}

/** Never a flag: command lines are visible to every user of the machine. */
async function readSecret(envVariable: string): Promise<string> {
  const fromEnv = process.env[envVariable];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new UsageError(`no secret given: set ${envVariable} or write it as the first line of stdin`);
}
