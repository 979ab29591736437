/**
 * The two documents of a Caliper workspace, as data: the network configuration (peer-gateway connector, server-side
 * TLS only — the connector refuses mutual TLS — one identity, one peer, the channel and contract) and the benchmark
 * configuration (fixed-rate rounds of a bounded number of transactions running the EHR workload module).
 */
import { roundLabel, OP_TRANSACTION, type CaliperRound } from './rounds.js';
import type { YamlValue } from './yaml.js';

export interface CaliperTarget {
  mspId: string;
  /** host:port of the peer's gateway service. */
  peerEndpoint: string;
  /** The peer's TLS CA certificate; its presence makes Caliper dial grpcs. */
  tlsCaCertFile: string;
  channel: string;
  contractId: string;
  identity: { name: string; certificateFile: string; privateKeyFile: string };
}

export interface WorkloadSettings {
  /** Workspace-relative path of the workload module. */
  module: string;
  workers: number;
  /** Patients per CreateRecords call in `open` rounds. */
  batchSize: number;
  /** Patients each worker creates before a `query` or `transfer` round. */
  poolSize: number;
  /** Makes record ids unique per run, so a rerun against the same ledger creates rather than finds them. */
  runId: string;
  /** Absolute folder where the workload writes its per-transaction samples. */
  samplesDir: string;
}

export const NETWORK_CONFIG_FILE = 'networkconfig.yaml';
export const BENCHMARK_CONFIG_FILE = 'benchconfig.yaml';

export function networkConfig(target: CaliperTarget): YamlValue {
  return {
    name: 'fhirledger-caliper',
    version: '2.0.0',
    caliper: { blockchain: 'fabric', sutOptions: { mutualTls: false } },
    channels: [{ channelName: target.channel, contracts: [{ id: target.contractId }] }],
    organizations: [
      {
        mspid: target.mspId,
        identities: {
          certificates: [
            {
              name: target.identity.name,
              clientPrivateKey: { path: target.identity.privateKeyFile },
              clientSignedCert: { path: target.identity.certificateFile },
            },
          ],
        },
        peers: [{ endpoint: target.peerEndpoint, tlsCACerts: { path: target.tlsCaCertFile } }],
      },
    ],
  };
}

export function benchmarkConfig(
  rounds: readonly CaliperRound[],
  target: CaliperTarget,
  settings: WorkloadSettings,
): YamlValue {
  return {
    test: {
      name: 'fhirledger-ehr',
      description: `EHR chaincode "${target.contractId}" on ${target.channel} through the peer gateway`,
      workers: { number: settings.workers },
      rounds: rounds.map((round) => ({
        label: roundLabel(round),
        description: `${round.transactions} × ${OP_TRANSACTION[round.op]} at a fixed ${round.tps} TPS`,
        txNumber: round.transactions,
        rateControl: { type: 'fixed-rate', opts: { tps: round.tps } },
        workload: {
          module: settings.module,
          arguments: {
            op: round.op,
            contractId: target.contractId,
            invokerIdentity: target.identity.name,
            batchSize: settings.batchSize,
            poolSize: settings.poolSize,
            runId: settings.runId,
            samplesDir: settings.samplesDir,
          },
        },
      })),
    },
  };
}
