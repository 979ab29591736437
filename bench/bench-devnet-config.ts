/**
 * `fhirledger bench devnet`'s settings: flags > FHIRLEDGER_BENCH_DEVNET_* environment > defaults, the pattern of
 * common/config-table.ts, validated at start into one frozen object.
 */
import type { CommandSpec } from '../common/cli-args.js';
import {
  nonEmpty,
  oneOf,
  settingFlags,
  loadSettings,
  wholeNumber,
  wholeNumberList,
  type Environment,
  type FlagValues,
  type SettingsTable,
} from '../common/config-table.js';
import type { ClientSigner } from './devnet-harness.js';

export interface BenchDevnetConfig {
  transactions: number;
  runs: number;
  concurrency: number[];
  recordTransactions: number;
  portOffset: number;
  /** dev (1 org, 1 orderer) or paper (3 orgs x 2 peers, MAJORITY, 3 Raft orderers). */
  profile: 'dev' | 'paper';
  clientSigner: ClientSigner;
  cpuProfDir: string | undefined;
  results: string;
}

const CLIENT_SIGNERS: readonly ClientSigner[] = ['noble', 'node-crypto'];
const PROFILES: readonly BenchDevnetConfig['profile'][] = ['dev', 'paper'];

export const BENCH_DEVNET_SETTINGS: SettingsTable<BenchDevnetConfig> = {
  envPrefix: 'FHIRLEDGER_BENCH_DEVNET_',
  settings: [
    {
      key: 'transactions',
      flag: 'transactions',
      default: '2000',
      parse: wholeNumber(1, 1_000_000),
      valueName: 'N',
      description: '1 KB puts per concurrency level',
    },
    {
      key: 'runs',
      flag: 'runs',
      default: '3',
      parse: wholeNumber(1, 20),
      valueName: 'R',
      description: 'devnets started, one after another',
    },
    {
      key: 'concurrency',
      flag: 'concurrency',
      default: '50,100,200',
      parse: wholeNumberList(1, 2000),
      valueName: 'LIST',
      description: 'puts in flight',
    },
    {
      key: 'recordTransactions',
      flag: 'record-transactions',
      default: '20',
      parse: wholeNumber(0, 10_000),
      valueName: 'N',
      description: 'CreateRecords transactions',
    },
    {
      key: 'clientSigner',
      flag: 'client-signer',
      default: 'noble',
      parse: oneOf(CLIENT_SIGNERS),
      valueName: 'S',
      description: "the client's signer: noble (fabric-gateway's newPrivateKeySigner) or node-crypto",
    },
    {
      key: 'portOffset',
      flag: 'port-offset',
      default: '23000',
      parse: wholeNumber(0, 50_000),
      valueName: 'P',
      description: 'devnet port offset',
    },
    {
      key: 'profile',
      flag: 'profile',
      default: 'dev',
      parse: oneOf(PROFILES),
      valueName: 'NAME',
      description: 'network profile: dev, or paper (3 orgs x 2 peers, MAJORITY, 3 Raft orderers)',
    },
    {
      key: 'cpuProfDir',
      flag: 'cpu-prof-dir',
      default: undefined,
      parse: nonEmpty,
      valueName: 'DIR',
      description: 'profile every devnet process (node --cpu-prof) into DIR',
    },
    {
      key: 'results',
      flag: 'results',
      default: 'results',
      parse: nonEmpty,
      valueName: 'DIR',
      description: 'results root',
    },
  ],
};

export const BENCH_DEVNET_SPEC: CommandSpec = {
  usage: 'fhirledger bench devnet [options]   (or node dist/bench/bench-devnet.js [options])',
  summary: 'fabric-devnet throughput and latency through @hyperledger/fabric-gateway',
  flags: settingFlags(BENCH_DEVNET_SETTINGS),
};

export function loadBenchDevnetConfig(flagValues: FlagValues, env: Environment): Readonly<BenchDevnetConfig> {
  return Object.freeze(loadSettings(BENCH_DEVNET_SETTINGS, flagValues, env));
}
