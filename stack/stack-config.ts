/**
 * `fhirledger up` / `down` settings on the one config table (common/config-table.ts): each flag, else its
 * FHIRLEDGER_STACK_* variable, else its default; a bad value is a ConfigError (exit 2) naming the flag or variable.
 * The home is the devnet home every command shares, so its variable is FHIRLEDGER_NETWORK_HOME itself. Loaded
 * with `network`'s loader (loadNetworkSettings), which resolves an unset home as every devnet command does.
 */
import { LOG_LEVELS, oneOf, wholeNumber, type SettingsTable } from '../common/config-table.js';
import { profileSetting } from '../network/network-config.js';
import { devnetHomeSetting } from '../common/devnet-location.js';
import type { ProfileName } from '../network/node/network-up.js';

const ENV_PREFIX = 'FHIRLEDGER_STACK_';

export interface StackUpSettings {
  home: string | undefined;
  profile: ProfileName | undefined;
  portOffset: number | undefined;
  providers: number;
  patients: number;
  regulators: number;
  gatewayLogLevel: string;
}

export interface StackDownSettings {
  home: string | undefined;
}

const HOME_DESCRIPTION = 'the stack home (default .fhirledger/devnet)';

export const STACK_UP_SETTINGS: SettingsTable<StackUpSettings> = {
  envPrefix: ENV_PREFIX,
  settings: [
    profileSetting(
      'network profile: dev (1 peer, gateway on 8080) or paper (3 orgs × 2 peers, MAJORITY endorsement, 3 Raft orderers; gateway on 7480); default what the home was created with, dev for a new one',
    ),
    devnetHomeSetting({ shared: true, description: HOME_DESCRIPTION }),
    {
      key: 'portOffset',
      flag: 'port-offset',
      default: undefined,
      // Up to 58000: the paper layout's highest port (7499) still fits; each profile checks its own ports.
      parse: wholeNumber(-6000, 58000),
      valueName: 'N',
      description:
        'added to every port, the gateway’s 8080 (dev) or 7480 (paper) included (default 0, or what the stack was created with)',
    },
    {
      key: 'providers',
      flag: 'providers',
      default: '20',
      parse: wholeNumber(1, 100_000),
      valueName: 'N',
      description: 'providers to seed',
    },
    {
      key: 'patients',
      flag: 'patients',
      default: '20',
      parse: wholeNumber(0, 100_000),
      valueName: 'N',
      description: 'patients to seed',
    },
    {
      key: 'regulators',
      flag: 'regulators',
      default: '2',
      parse: wholeNumber(0, 100_000),
      valueName: 'N',
      description: 'regulators to seed',
    },
    {
      key: 'gatewayLogLevel',
      flag: 'gateway-log-level',
      default: 'warn',
      parse: oneOf(LOG_LEVELS),
      valueName: 'LEVEL',
      description: "the gateway's log level; warn keeps a load run's requests out of its log",
    },
  ],
};

export const STACK_DOWN_SETTINGS: SettingsTable<StackDownSettings> = {
  envPrefix: ENV_PREFIX,
  settings: [devnetHomeSetting({ shared: true, description: HOME_DESCRIPTION })],
};
