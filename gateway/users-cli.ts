/**
 * `fhirledger users add|seed`: writes credentials-store entries (scrypt-hashed secret, role, patient id, the files of
 * the user's Fabric identity). `add` records one user whose identity files already exist (and refuses files that do
 * not); `seed` enrols many from a Fabric CA (users-seed-cli.ts).
 */
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ROLES, type Role } from '../common/ehr-contract.js';
import { isFhirId } from '../common/fhir-resource.js';
import {
  ExitCode,
  helpText,
  parseCommandArgs,
  stringFlag,
  UsageError,
  type CommandSpec,
} from '../common/cli-args.js';
import type { CommandRunner } from '../cli/command.js';
import { CredentialStoreError, upsertPrincipal, type Principal } from './credential-store.js';
import { hashSecret } from './password-hash.js';

export const USERS_ADD_COMMAND: CommandSpec = {
  usage: 'fhirledger users add --user ID --role ROLE [--patient-id ID] [--client] [options]',
  summary:
    'Add or replace a user (password grant) or client (client_credentials) in the gateway credentials store. ' +
    'The secret is read from the environment variable named by --password-env, else from the first line of stdin.',
  positionals: true,
  flags: {
    store: {
      type: 'string',
      valueName: 'FILE',
      description: 'credentials store (default .fhirledger/credentials.json)',
    },
    user: { type: 'string', valueName: 'ID', description: 'username or client_id (the token subject)' },
    role: { type: 'string', valueName: 'ROLE', description: ROLES.join('|') },
    'patient-id': {
      type: 'string',
      valueName: 'ID',
      description: 'the Patient id (required for role patient)',
    },
    client: { type: 'boolean', description: 'a client_credentials client instead of a password user' },
    'msp-id': {
      type: 'string',
      valueName: 'MSP',
      description: 'MSP of the Fabric identity (default Org1MSP)',
    },
    cert: {
      type: 'string',
      valueName: 'FILE',
      description: 'identity certificate (default .fhirledger/identities/ID/cert.pem)',
    },
    key: {
      type: 'string',
      valueName: 'FILE',
      description: 'identity private key (default .fhirledger/identities/ID/key.pem)',
    },
    'password-env': {
      type: 'string',
      valueName: 'VAR',
      description: 'env variable holding the secret (default FHIRLEDGER_USER_PASSWORD)',
    },
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
    const principal = await principalFrom(parsed.values);
    const store = stringFlag(parsed.values, 'store') ?? '.fhirledger/credentials.json';
    const result = await upsertPrincipal(store, principal);
    process.stdout.write(
      `${JSON.stringify({ store, id: principal.id, role: principal.role, kind: principal.kind, result })}\n`,
    );
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof UsageError || error instanceof CredentialStoreError) {
      process.stderr.write(`fhirledger users: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    throw error;
  }
};

async function principalFrom(values: Record<string, unknown>): Promise<Principal> {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const id = text('user');
  if (id === undefined || !/^[A-Za-z0-9._@-]{1,128}$/.test(id)) {
    throw new UsageError('--user is required: 1–128 of A-Z a-z 0-9 . _ @ -');
  }
  const role = text('role');
  if (role === undefined || !(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--role is required: one of ${ROLES.join(', ')}`);
  }
  const patientId = text('patient-id');
  if (role === 'patient' && patientId === undefined)
    throw new UsageError('--patient-id is required for role patient');
  if (patientId !== undefined && !isFhirId(patientId))
    throw new UsageError('--patient-id is not a FHIR id (1–64 of A-Z a-z 0-9 - .)');
  const certificatePath = text('cert') ?? `.fhirledger/identities/${id}/cert.pem`;
  const privateKeyPath = text('key') ?? `.fhirledger/identities/${id}/key.pem`;
  // The gateway would only find out at the user's first request; say it now, while the person is at the keyboard.
  requireFile(certificatePath, '--cert', 'identity certificate');
  requireFile(privateKeyPath, '--key', 'identity private key');
  const secret = await readSecret(text('password-env') ?? 'FHIRLEDGER_USER_PASSWORD');
  if (secret.length < 8) throw new UsageError('the password / client secret must have at least 8 characters');
  return {
    id,
    kind: values.client === true ? 'client' : 'user',
    role: role as Role,
    ...(patientId !== undefined ? { patientId } : {}),
    secret: await hashSecret(secret),
    fabricIdentity: {
      mspId: text('msp-id') ?? 'Org1MSP',
      certificatePath,
      privateKeyPath,
    },
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
