/**
 * `fhirledger network …` settings on the one config table (common/config-table.ts): each flag, else its
 * FHIRLEDGER_NETWORK_* variable, else its default; a bad value is exit 2 naming the flag or variable. The home is
 * the devnet home every command shares (`FHIRLEDGER_NETWORK_HOME`, as `migrate`, `gateway`, `users seed` and `load`
 * find it); a chaincode's settings are `FHIRLEDGER_NETWORK_CHAINCODE_*`.
 */
import {
  ConfigError,
  loadSettings,
  nonEmpty,
  oneOf,
  wholeNumber,
  type Environment,
  type FlagValues,
  type Parser,
  type Setting,
  type SettingsTable,
} from '../common/config-table.js';
import { defaultDevnetHome, devnetHomeSetting } from '../common/devnet-location.js';

const HOME: Setting<{ home: string | undefined }> = devnetHomeSetting({ shared: true });

/** A value matching `pattern`, else a ConfigError saying what was expected. */
function matching(pattern: RegExp, expected: string): Parser {
  return (text, where) => {
    if (!pattern.test(text)) throw new ConfigError(`${where} "${text}" is not ${expected}`);
    return text;
  };
}

/** The `--profile dev|paper` setting of a command that brings a devnet up (`network up`, `up`). */
export function profileSetting<C extends { profile: 'dev' | 'paper' | undefined }>(
  description: string,
): Setting<C> {
  return {
    key: 'profile',
    flag: 'profile',
    default: undefined,
    parse: oneOf(['dev', 'paper']),
    valueName: 'NAME',
    description,
  };
}

export interface UpSettings {
  home: string | undefined;
  profile: 'dev' | 'paper' | undefined;
  portOffset: number | undefined;
}

export const UP_SETTINGS: SettingsTable<UpSettings> = {
  envPrefix: 'FHIRLEDGER_NETWORK_',
  settings: [
    profileSetting('network profile: dev or paper (default dev, or what the network was created with)'),
    HOME,
    {
      key: 'portOffset',
      flag: 'port-offset',
      default: undefined,
      parse: wholeNumber(-6000, 50000),
      valueName: 'N',
      description:
        'added to every default port (orderer 7050, peer 7051, CA 7054, …) to run a second network (default 0, or what the network was created with)',
    },
  ],
};

export const HOME_SETTINGS: SettingsTable<{ home: string | undefined }> = {
  envPrefix: 'FHIRLEDGER_NETWORK_',
  settings: [HOME],
};

export const LOGS_SETTINGS: SettingsTable<{ home: string | undefined; lines: number }> = {
  envPrefix: 'FHIRLEDGER_NETWORK_',
  settings: [
    HOME,
    {
      key: 'lines',
      flag: 'lines',
      default: '50',
      parse: wholeNumber(1, 100000),
      valueName: 'N',
      description: 'lines per log',
    },
  ],
};

export interface DeploySettings {
  home: string | undefined;
  name: string | undefined;
  address: string | undefined;
  version: string;
  policy: string | undefined;
}

export const DEPLOY_SETTINGS: SettingsTable<DeploySettings> = {
  envPrefix: 'FHIRLEDGER_NETWORK_CHAINCODE_',
  settings: [
    {
      key: 'name',
      flag: 'name',
      default: undefined,
      parse: matching(/^[A-Za-z0-9_.+-]+$/, 'a chaincode name (A-Z a-z 0-9 _ . + -)'),
      valueName: 'N',
      description: 'chaincode name (required)',
    },
    {
      key: 'address',
      flag: 'address',
      default: undefined,
      parse: matching(/^[\w.-]+:\d{1,5}$/, 'HOST:PORT'),
      valueName: 'HOST:PORT',
      description: 'where the chaincode server listens (required)',
    },
    {
      key: 'version',
      flag: 'version',
      default: '1.0',
      parse: nonEmpty,
      valueName: 'V',
      description: 'chaincode version',
    },
    {
      key: 'policy',
      flag: 'policy',
      default: undefined,
      parse: nonEmpty,
      valueName: 'P',
      description:
        "endorsement policy, e.g. \"OR('Org1MSP.peer')\" (default: the channel's MAJORITY Endorsement)",
    },
    HOME,
  ],
};

/** A subcommand's settings, the home resolved (unset: `.fhirledger/devnet` here), frozen. */
export function loadNetworkSettings<C extends { home: string | undefined }>(
  table: SettingsTable<C>,
  values: FlagValues,
  env: Environment,
): Readonly<C & { home: string }> {
  const loaded = loadSettings(table, values, env);
  return Object.freeze({ ...loaded, home: loaded.home ?? defaultDevnetHome(env) });
}

/** deploy's two settings without a default, required. */
export function requireDeployTarget(settings: DeploySettings): { name: string; address: string } {
  if (settings.name === undefined)
    throw new ConfigError('--name is required: a chaincode name (or FHIRLEDGER_NETWORK_CHAINCODE_NAME)');
  if (settings.address === undefined)
    throw new ConfigError('--address is required: HOST:PORT (or FHIRLEDGER_NETWORK_CHAINCODE_ADDRESS)');
  return { name: settings.name, address: settings.address };
}
