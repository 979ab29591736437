/**
 * The configtx.yaml that `configtxgen -profile <P> -outputBlock …` turns into the channel's genesis block. Built as
 * a plain object and written as JSON, which is valid YAML (configtxgen's parser reads it), so no YAML library is
 * needed and tests can parse it back with JSON.parse. Pure: topology + run layout in, text out.
 */
import { RunLayout } from './run-layout.js';
import { anchorPeersOf, HOST, type OrgSpec, type Topology } from './topology.js';

interface Policy {
  Type: 'Signature' | 'ImplicitMeta';
  Rule: string;
}

type Policies = Record<string, Policy>;

export interface ConfigtxOrg {
  Name: string;
  ID: string;
  MSPDir: string;
  Policies: Policies;
  OrdererEndpoints?: string[];
  AnchorPeers?: { Host: string; Port: number }[];
}

export interface Consenter {
  Host: string;
  Port: number;
  ClientTLSCert: string;
  ServerTLSCert: string;
}

export interface ConfigtxProfile {
  Policies: Policies;
  Capabilities: Record<string, boolean>;
  Orderer: {
    OrdererType: 'etcdraft';
    Addresses: string[];
    BatchTimeout: string;
    BatchSize: { MaxMessageCount: number; AbsoluteMaxBytes: string; PreferredMaxBytes: string };
    EtcdRaft: {
      Consenters: Consenter[];
      Options: {
        TickInterval: string;
        ElectionTick: number;
        HeartbeatTick: number;
        MaxInflightBlocks: number;
        SnapshotIntervalSize: string;
      };
    };
    Organizations: ConfigtxOrg[];
    Policies: Policies;
    Capabilities: Record<string, boolean>;
  };
  Application: {
    Organizations: ConfigtxOrg[];
    Policies: Policies;
    Capabilities: Record<string, boolean>;
  };
}

export interface Configtx {
  Organizations: ConfigtxOrg[];
  Profiles: Record<string, ConfigtxProfile>;
}

/**
 * Batch cutting decides both throughput and latency. The samples' 10 messages / 2 s make every bulk load wait on
 * tiny blocks; Fabric's own 2.5 benchmark used 500 messages with 2 MB preferred bytes. A 250 ms timeout keeps a
 * lightly loaded channel (one interactive write) from waiting seconds for its block, while under load blocks fill
 * by count or size long before the timer fires. AbsoluteMaxBytes (10 MB) only has to admit the largest single
 * transaction: a 1000-resource CreateRecords batch with its endorsements.
 */
export const BATCH = {
  MaxMessageCount: 500,
  AbsoluteMaxBytes: '10 MB',
  PreferredMaxBytes: '2 MB',
  BatchTimeout: '250ms',
} as const;

/** The sampleconfig Raft defaults; there is no reason to differ on one loopback host. */
const RAFT_OPTIONS = {
  TickInterval: '500ms',
  ElectionTick: 10,
  HeartbeatTick: 1,
  MaxInflightBlocks: 5,
  SnapshotIntervalSize: '16 MB',
};

export function configtxProfileName(topology: Topology): string {
  return topology.profile === 'dev' ? 'FhirLedgerDev' : 'FhirLedgerPaper';
}

const signature = (...principals: string[]): Policy => ({
  Type: 'Signature',
  Rule: `OR(${principals.map((principal) => `'${principal}'`).join(', ')})`,
});
const implicit = (rule: string): Policy => ({ Type: 'ImplicitMeta', Rule: rule });

/** NodeOU roles: Writers are admins and clients, so any CA-enrolled `client` identity can submit transactions. */
function applicationOrg(topology: Topology, layout: RunLayout, org: OrgSpec): ConfigtxOrg {
  const id = org.mspId;
  return {
    Name: id,
    ID: id,
    MSPDir: layout.orgMsp(org),
    Policies: {
      Readers: signature(`${id}.admin`, `${id}.peer`, `${id}.client`),
      Writers: signature(`${id}.admin`, `${id}.client`),
      Admins: signature(`${id}.admin`),
      Endorsement: signature(`${id}.peer`),
    },
    AnchorPeers: anchorPeersOf(topology, org.name).map((peer) => ({ Host: HOST, Port: peer.listenPort })),
  };
}

function ordererOrg(topology: Topology, layout: RunLayout): ConfigtxOrg {
  const id = topology.ordererOrg.mspId;
  return {
    Name: id,
    ID: id,
    MSPDir: layout.orgMsp(topology.ordererOrg),
    Policies: {
      Readers: signature(`${id}.member`),
      Writers: signature(`${id}.member`),
      Admins: signature(`${id}.admin`),
    },
    OrdererEndpoints: topology.orderers.map((orderer) => `${HOST}:${orderer.listenPort}`),
  };
}

export function buildConfigtx(topology: Topology, runDir: string): Configtx {
  const layout = new RunLayout(runDir);
  const orderer = ordererOrg(topology, layout);
  const orgs = topology.orgs.map((org) => applicationOrg(topology, layout, org));
  const profile: ConfigtxProfile = {
    Policies: {
      Readers: implicit('ANY Readers'),
      Writers: implicit('ANY Writers'),
      Admins: implicit('MAJORITY Admins'),
    },
    Capabilities: { V3_0: true },
    Orderer: {
      OrdererType: 'etcdraft',
      Addresses: topology.orderers.map((node) => `${HOST}:${node.listenPort}`),
      BatchTimeout: BATCH.BatchTimeout,
      BatchSize: {
        MaxMessageCount: BATCH.MaxMessageCount,
        AbsoluteMaxBytes: BATCH.AbsoluteMaxBytes,
        PreferredMaxBytes: BATCH.PreferredMaxBytes,
      },
      EtcdRaft: {
        Consenters: topology.orderers.map((node) => {
          const tls = layout.nodeTls(topology.ordererOrg, node);
          return { Host: HOST, Port: node.listenPort, ClientTLSCert: tls.cert, ServerTLSCert: tls.cert };
        }),
        Options: { ...RAFT_OPTIONS },
      },
      Organizations: [orderer],
      Policies: {
        Readers: implicit('ANY Readers'),
        Writers: implicit('ANY Writers'),
        Admins: implicit('MAJORITY Admins'),
        BlockValidation: implicit('ANY Writers'),
      },
      Capabilities: { V2_0: true },
    },
    Application: {
      Organizations: orgs,
      Policies: {
        Readers: implicit('ANY Readers'),
        Writers: implicit('ANY Writers'),
        Admins: implicit('MAJORITY Admins'),
        // Two of three orgs must endorse every write and approve every chaincode definition (paper profile).
        LifecycleEndorsement: implicit(`${topology.endorsementRule} Endorsement`),
        Endorsement: implicit(`${topology.endorsementRule} Endorsement`),
      },
      Capabilities: { V2_5: true },
    },
  };
  return {
    Organizations: [orderer, ...orgs],
    Profiles: { [configtxProfileName(topology)]: profile },
  };
}

/** configtx.yaml text: a YAML comment header, then JSON (a subset of YAML). */
export function renderConfigtxYaml(topology: Topology, runDir: string): string {
  const header = `# configtx.yaml for the fhirledger "${topology.profile}" network, profile ${configtxProfileName(topology)}.\n# Written by fhirledger as JSON, which is valid YAML. Do not edit: it is regenerated by "network up".\n`;
  return `${header}${JSON.stringify(buildConfigtx(topology, runDir), null, 2)}\n`;
}
