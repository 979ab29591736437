/**
 * Where a local fabric-devnet keeps its home and the fhirledger connection profile it writes, so that `migrate` and
 * `gateway` can use a running devnet without being told: the profile of a network someone brought up here is the
 * obvious default, and an explicit --connection or FHIRLEDGER_CONNECTION always wins.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { nonEmpty, type Setting } from './config-table.js';

export const DEVNET_PROFILE_FILE = 'fhirledger-connection.json';

/** `.fhirledger/devnet` in the working folder, or FHIRLEDGER_NETWORK_HOME. */
export function defaultDevnetHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.FHIRLEDGER_NETWORK_HOME ?? path.join(process.cwd(), '.fhirledger', 'devnet');
}

/** The local devnet's profile when a devnet has been created here, else undefined. */
export function localDevnetProfile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = path.join(defaultDevnetHome(env), DEVNET_PROFILE_FILE);
  return existsSync(file) ? file : undefined;
}

/**
 * The `--home DIR` setting of a command that works on a devnet; unset, the command uses defaultDevnetHome().
 * `shared`: its variable is FHIRLEDGER_NETWORK_HOME itself rather than the command's prefixed one.
 */
export function devnetHomeSetting<C extends { home: string | undefined }>(
  options: { shared?: boolean; description?: string } = {},
): Setting<C> {
  return {
    key: 'home',
    flag: 'home',
    default: undefined,
    parse: nonEmpty,
    ...(options.shared === true ? { env: 'FHIRLEDGER_NETWORK_HOME' } : {}),
    valueName: 'DIR',
    description:
      options.description ??
      (options.shared === true
        ? 'the devnet home (default .fhirledger/devnet)'
        : 'the devnet home (default .fhirledger/devnet, or FHIRLEDGER_NETWORK_HOME)'),
  };
}
