/**
 * `fhirledger load` settings on the one config table (common/config-table.ts): each flag, else its variable
 * (`FHIRLEDGER_LOAD_*`; `--base-url` reads `BASE_URL`, the name the k6 scripts use, and `--stack-home` reads
 * `FHIRLEDGER_NETWORK_HOME` as every command does), else its default. A bad value is exit 2 naming the flag or
 * variable. The password is never a flag: `LOAD_PASSWORD` (with `LOAD_USERNAME`), as k6 reads them.
 */
import {
  ConfigError,
  decimal,
  nonEmpty,
  wholeNumber,
  type Parser,
  type SettingsTable,
} from '../../common/config-table.js';
import { isK6Duration } from '../lib/env-rules.js';
import { defaultRunFolder } from '../../common/run-folders.js';

export interface LoadSettings {
  baseUrl: string | undefined;
  out: string;
  thinkTime: number | undefined;
  vusMax: number | undefined;
  duration: string | undefined;
  payloadFile: string | undefined;
  users: number | undefined;
  verifyConcurrency: number;
  stackHome: string | undefined;
  connectionProfile: string | undefined;
  credentialsStore: string | undefined;
  auditUser: string;
  sutHome: string | undefined;
}

const k6Duration: Parser = (text, where) => {
  if (!isK6Duration(text))
    throw new ConfigError(`${where} "${text}" is not a k6 duration such as 30s, 5m or 1h30m`);
  return text;
};

/** An http(s) root, trailing slashes dropped. */
const gatewayRoot: Parser = (text, where) => {
  const root = text.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(root)) throw new ConfigError(`${where} "${text}" is not an http(s) URL`);
  return root;
};

export const LOAD_SETTINGS: SettingsTable<LoadSettings> = {
  envPrefix: 'FHIRLEDGER_LOAD_',
  settings: [
    {
      key: 'baseUrl',
      flag: 'base-url',
      default: undefined,
      parse: gatewayRoot,
      env: 'BASE_URL',
      valueName: 'URL',
      description:
        "gateway root (default: the gateway of `fhirledger up`'s stack, else http://127.0.0.1:8080)",
    },
    {
      key: 'out',
      flag: 'out',
      default: defaultRunFolder('load'),
      parse: nonEmpty,
      valueName: 'DIR',
      description: 'results root (git-ignored)',
    },
    {
      key: 'thinkTime',
      flag: 'think-time',
      default: undefined,
      parse: decimal(0, 3600),
      valueName: 'S',
      description: "seconds between a VU's steps (default 1)",
    },
    {
      key: 'vusMax',
      flag: 'vus-max',
      default: undefined,
      parse: wholeNumber(1, 100_000),
      valueName: 'N',
      description: 'peak VUs of ramp/stress/spike (default 2000)',
    },
    {
      key: 'duration',
      flag: 'duration',
      default: undefined,
      parse: k6Duration,
      valueName: 'D',
      description: 'smoke/soak length, a k6 duration (default 30s / 30m)',
    },
    {
      key: 'payloadFile',
      flag: 'payload-file',
      default: undefined,
      parse: nonEmpty,
      valueName: 'PATH',
      description: 'NDJSON of Patients to post instead of the builder',
    },
    {
      key: 'users',
      flag: 'users',
      default: undefined,
      parse: wholeNumber(1, 1_000_000),
      valueName: 'N',
      description: "seeded users the VUs spread over ({n} = 1..N; default: the stack's providers, else 1)",
    },
    {
      key: 'verifyConcurrency',
      flag: 'verify-concurrency',
      default: '16',
      parse: wholeNumber(1, 256),
      valueName: 'N',
      description: 'parallel ledger reads of the acknowledged-write audit',
    },
    {
      key: 'stackHome',
      flag: 'stack-home',
      default: undefined,
      parse: nonEmpty,
      env: 'FHIRLEDGER_NETWORK_HOME',
      valueName: 'DIR',
      description:
        'home of a stack started by `fhirledger up` (default .fhirledger/devnet): its gateway URL, users, password and ledger access are the defaults',
    },
    {
      key: 'connectionProfile',
      flag: 'connection-profile',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description:
        "fhirledger connection profile of the gateway's network, for the audit (default: the stack's)",
    },
    {
      key: 'credentialsStore',
      flag: 'credentials-store',
      default: undefined,
      parse: nonEmpty,
      valueName: 'FILE',
      description:
        "the gateway's credentials store, naming the audit user's Fabric identity (default: the stack's)",
    },
    {
      key: 'auditUser',
      flag: 'audit-user',
      default: 'provider1',
      parse: nonEmpty,
      valueName: 'ID',
      description: 'the user whose Fabric identity reads the ledger for the audit',
    },
    {
      key: 'sutHome',
      flag: 'sut-home',
      default: undefined,
      parse: nonEmpty,
      valueName: 'DIR',
      description:
        "devnet home whose running nodes (and `fhirledger up`'s gateway) are sampled during the run (default: the stack home, if anything runs there)",
    },
  ],
};
