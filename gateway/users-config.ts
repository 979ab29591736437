/**
 * `fhirledger users add|seed` settings on the one config table (common/config-table.ts): each flag, else its
 * variable (`FHIRLEDGER_USERS_ADD_*`, `FHIRLEDGER_USERS_SEED_*`; the store is `FHIRLEDGER_USERS_STORE` for both, the
 * devnet home `FHIRLEDGER_NETWORK_HOME` as everywhere, the registrar's secret `FHIRLEDGER_CA_REGISTRAR_SECRET`),
 * else its default. A bad value is exit 2 naming the flag or variable. Secrets themselves are never flags' values
 * here but for `--registrar-secret`, which is masked: users' passwords come from the variable `--password-env` names.
 */
import { ROLES } from '../common/ehr-contract.js';
import { devnetHomeSetting } from '../common/devnet-location.js';
import { isFhirId } from '../common/fhir-resource.js';
import {
  ConfigError,
  nonEmpty,
  oneOf,
  wholeNumber,
  type Parser,
  type Setting,
  type SettingsTable,
} from '../common/config-table.js';
import { MAX_SEED_COUNT } from './seed-plan.js';

export const DEFAULT_STORE = '.fhirledger/credentials.json';
export const DEFAULT_PASSWORD_ENV = 'FHIRLEDGER_USER_PASSWORD';
export const REGISTRAR_SECRET_ENV = 'FHIRLEDGER_CA_REGISTRAR_SECRET';
export const MAX_CONCURRENCY = 64;

const STORE: Setting<{ store: string }> = {
  key: 'store',
  flag: 'store',
  default: DEFAULT_STORE,
  parse: nonEmpty,
  env: 'FHIRLEDGER_USERS_STORE',
  valueName: 'FILE',
  description: 'credentials store',
};

const PASSWORD_ENV: Setting<{ passwordEnv: string }> = {
  key: 'passwordEnv',
  flag: 'password-env',
  default: DEFAULT_PASSWORD_ENV,
  parse: nonEmpty,
  valueName: 'VAR',
  description: 'env variable holding the secret (never a flag: command lines are visible to ps)',
};

function matching(test: (text: string) => boolean, expected: string): Parser {
  return (text, where) => {
    if (!test(text)) throw new ConfigError(`${where} "${text}" is not ${expected}`);
    return text;
  };
}

export interface UsersAddSettings {
  store: string;
  user: string | undefined;
  role: string | undefined;
  patientId: string | undefined;
  mspId: string;
  cert: string | undefined;
  key: string | undefined;
  passwordEnv: string;
}

export const USERS_ADD_SETTINGS: SettingsTable<UsersAddSettings> = {
  envPrefix: 'FHIRLEDGER_USERS_ADD_',
  settings: [
    STORE,
    {
      key: 'user',
      flag: 'user',
      default: undefined,
      parse: matching((text) => /^[A-Za-z0-9._@-]{1,128}$/.test(text), '1–128 of A-Z a-z 0-9 . _ @ -'),
      valueName: 'ID',
      description: 'username or client_id (the token subject; required)',
    },
    {
      key: 'role',
      flag: 'role',
      default: undefined,
      parse: oneOf(ROLES),
      valueName: 'ROLE',
      description: `${ROLES.join('|')} (required)`,
    },
    {
      key: 'patientId',
      flag: 'patient-id',
      default: undefined,
      parse: matching(isFhirId, 'a FHIR id (1–64 of A-Z a-z 0-9 - .)'),
      valueName: 'ID',
      description: 'the Patient id (required for role patient)',
    },
    {
      key: 'mspId',
      flag: 'msp-id',
      default: 'Org1MSP',
      parse: nonEmpty,
      valueName: 'MSP',
      description: 'MSP of the Fabric identity',
    },
    {
      key: 'cert',
      flag: 'cert',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description: 'identity certificate (default .fhirledger/identities/ID/cert.pem)',
    },
    {
      key: 'key',
      flag: 'key',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description: 'identity private key (default .fhirledger/identities/ID/key.pem)',
    },
    PASSWORD_ENV,
  ],
};

export interface UsersSeedSettings {
  providers: number;
  patients: number;
  regulators: number;
  home: string | undefined;
  caUrl: string | undefined;
  tlsRoot: string | undefined;
  caName: string;
  mspId: string;
  registrarId: string | undefined;
  registrarSecret: string | undefined;
  store: string;
  identities: string | undefined;
  passwordEnv: string;
  concurrency: number;
}

const count = (
  key: 'providers' | 'patients' | 'regulators',
  description: string,
): Setting<UsersSeedSettings> => ({
  key,
  flag: key,
  default: '0',
  parse: wholeNumber(0, MAX_SEED_COUNT),
  valueName: 'N',
  description,
});

export const USERS_SEED_SETTINGS: SettingsTable<UsersSeedSettings> = {
  envPrefix: 'FHIRLEDGER_USERS_SEED_',
  settings: [
    count('providers', 'provider1..N, role=provider'),
    count('patients', 'patient1..N, role=patient, patientId=patient-<n>'),
    count('regulators', 'regulator1..N, role=regulator'),
    devnetHomeSetting({
      shared: true,
      description: 'devnet home whose CA to use (default .fhirledger/devnet)',
    }),
    {
      key: 'caUrl',
      flag: 'ca-url',
      default: undefined,
      parse: matching((text) => /^https?:\/\/[^/]+\/?$/.test(text), 'http(s)://HOST:PORT'),
      valueName: 'URL',
      description: 'a Fabric CA instead of a devnet (https://…)',
    },
    {
      key: 'tlsRoot',
      flag: 'tls-root',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description: "the CA's TLS root certificate (with --ca-url)",
    },
    {
      key: 'caName',
      flag: 'ca-name',
      default: 'ca-org1',
      parse: nonEmpty,
      valueName: 'NAME',
      description: 'CA name (with --ca-url)',
    },
    {
      key: 'mspId',
      flag: 'msp-id',
      default: 'Org1MSP',
      parse: nonEmpty,
      valueName: 'MSP',
      description: 'MSP of the identities (with --ca-url)',
    },
    {
      key: 'registrarId',
      flag: 'registrar-id',
      default: undefined,
      parse: nonEmpty,
      valueName: 'ID',
      description: 'registrar enrolment id (with --ca-url)',
    },
    {
      key: 'registrarSecret',
      flag: 'registrar-secret',
      default: undefined,
      parse: nonEmpty,
      secret: true,
      env: REGISTRAR_SECRET_ENV,
      valueName: 'S',
      description: 'registrar secret (with --ca-url; prefer the variable: flags are visible to ps)',
    },
    STORE,
    {
      key: 'identities',
      flag: 'identities',
      default: undefined,
      parse: nonEmpty,
      valueName: 'DIR',
      description: 'identity files folder (default: identities/ next to the store)',
    },
    { ...PASSWORD_ENV, description: "env variable holding the users' password (never a flag)" },
    {
      key: 'concurrency',
      flag: 'concurrency',
      default: '4',
      parse: wholeNumber(1, MAX_CONCURRENCY),
      valueName: 'N',
      description: 'users registered and enrolled at once',
    },
  ],
};
