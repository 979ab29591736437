/**
 * The peer process's composition root: its MSP identity, the channel's MSPs and policies read from the genesis
 * block, the ledger (block store + LevelDB state), the chaincode-as-a-service runtime, the gRPC services (Gateway,
 * Endorser, Deliver) behind TLS, the block puller from the orderer and the operations endpoint.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import { FileBlockStore } from '../ledger/block-store.js';
import { openChannelLedger } from '../ledger/channel-ledger.js';
import type { ChannelLedger, CommitPolicies } from '../ledger/types.js';
import { loadSigningIdentity } from '../msp/signing-identity.js';
import type { PolicySigner } from '../msp/types.js';
import { decodeConfigBlock, type DecodedChannelConfig } from '../protocol/channel-config-decode.js';
import { evaluatePolicy, type PolicyGroup } from '../protocol/channel-config-policy.js';
import { ChaincodeRegistry, type ChaincodeDefinition } from '../peer/chaincode-registry.js';
import { CcaasRuntime } from '../peer/chaincode/index.js';
import { CommitWaiters } from '../peer/commit-waiters.js';
import { deliverService } from '../peer/deliver-service.js';
import { Endorser } from '../peer/endorser.js';
import { endorserService } from '../peer/endorser-service.js';
import { gatewayService } from '../peer/gateway-service.js';
import { concurrencyLimited } from '../peer/concurrency-limit.js';
import { BlockPuller, Broadcaster, ordererClient } from '../peer/orderer-client.js';
import { FailoverBroadcaster } from '../peer/orderer-failover.js';
import type { CollectorDeps, RemoteEndorser } from '../peer/endorsement-collector.js';
import { remoteEndorser } from '../peer/remote-endorser.js';
import { endorsementSatisfied as signaturePolicySatisfied, parseSignaturePolicy } from '../msp/policy.js';
import type { PeerNodeConfig } from './node-config.js';
import { channelMsps } from './orderer-process.js';
import { startOperationsServer, type OperationsServer } from '../operations-server.js';

const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;
/** Broadcast streams per Raft orderer: enough in flight for etcd to batch many entries per Raft round. */
const RAFT_BROADCAST_STREAMS = 32;

export interface RunningPeer {
  readonly ledger: ChannelLedger;
  close(): Promise<void>;
}

export async function startPeer(config: PeerNodeConfig, log: (line: string) => void): Promise<RunningPeer> {
  const signer = await loadSigningIdentity(config.mspId, config.mspDir);
  const genesis = readFileSync(config.genesisBlockFile);
  const channel = decodeConfigBlock(genesis);
  const identities = channelMsps(genesis);
  const application = applicationGroup(channel);
  mkdirSync(config.dataDir, { recursive: true });
  const chaincodes = new ChaincodeRegistry(path.join(config.dataDir, 'chaincodes.json'));

  const policies: CommitPolicies = {
    identities,
    endorsementSatisfied: (namespace, endorsers) =>
      endorsementSatisfied(chaincodes.get(namespace), application, endorsers),
  };
  const { store: blockStore, truncatedBytes } = await FileBlockStore.open(
    path.join(config.dataDir, 'blocks'),
  );
  if (truncatedBytes > 0) log(`cut ${truncatedBytes} bytes of a torn block write from the block file`);
  const ledger = await openChannelLedger(
    path.join(config.dataDir, 'state'),
    config.channelId,
    blockStore,
    policies,
  );
  if (ledger.height() === 0) {
    await ledger.commitBlock(genesis);
    log(`joined channel ${config.channelId} with its genesis block`);
  }

  const runtime = new CcaasRuntime();
  const writers = (signers: readonly PolicySigner[]) => evaluatePolicy(application, 'Writers', signers).ok;
  const readers = (signers: readonly PolicySigner[]) => evaluatePolicy(application, 'Readers', signers).ok;
  const endorser = new Endorser({
    channelId: config.channelId,
    ledger,
    chaincodes,
    runtime,
    signer,
    executeTimeoutMs: config.chaincodeExecuteTimeoutMs,
    checks: {
      identities,
      isTxIdCommitted: async (txId) => (await ledger.getTxStatus(txId)) !== undefined,
      writers,
    },
  });
  const ordererEndpoints = (config.orderers ?? [config.orderer]).map((target) => ({
    ...target,
    tlsRootCertPem: readFileSync(target.tlsRootCertFile, 'utf8'),
  }));
  const ordererEndpoint = ordererEndpoints[0] ?? { ...config.orderer, tlsRootCertPem: '' };
  const senders = ordererEndpoints.map((endpoint) => ({
    endpoint,
    // Raft orderers answer a stream's envelopes after a quorum write each: several streams keep them busy.
    sender: new Broadcaster(
      ordererClient(endpoint),
      config.orderers === undefined ? 1 : RAFT_BROADCAST_STREAMS,
    ),
  }));
  const broadcaster = new FailoverBroadcaster(senders);
  const collector =
    config.channelPeers === undefined
      ? undefined
      : endorsementCollector(config, channel, {
          self: { address: `${config.listen.host}:${config.listen.port}`, mspId: config.mspId },
          satisfied: (namespace, endorsers) => policies.endorsementSatisfied(namespace, endorsers),
        });
  const commits = new CommitWaiters(ledger);
  const self = { address: `${config.listen.host}:${config.listen.port}`, mspId: config.mspId };
  const access = { identities, readers };

  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  server.addService(
    gateway.GatewayService,
    concurrencyLimited(
      '/gateway.Gateway',
      config.gatewayConcurrency,
      gatewayService({
        channelId: config.channelId,
        endorser,
        self,
        orderer: ordererEndpoint,
        broadcaster,
        ledger,
        commits,
        collector,
        ...access,
      }),
    ),
  );
  server.addService(peer.EndorserService, endorserService(endorser));
  const deliverStreams = { opened: 0, closed: 0 };
  server.addService(
    peer.DeliverService,
    deliverService({
      channelId: config.channelId,
      ledger,
      ...access,
      streams: {
        opened: () => (deliverStreams.opened += 1),
        closed: () => (deliverStreams.closed += 1),
      },
    }),
  );
  const credentials = grpc.ServerCredentials.createSsl(
    null,
    [{ cert_chain: readFileSync(config.tls.certFile), private_key: readFileSync(config.tls.keyFile) }],
    false,
  );
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`${config.listen.host}:${config.listen.port}`, credentials, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });

  const puller = new BlockPuller(ordererEndpoints.map(ordererClient), {
    channelId: config.channelId,
    signer,
    height: () => ledger.height(),
    commit: async (blockBytes) => {
      try {
        await ledger.commitBlock(blockBytes);
      } catch (error) {
        // Clients waiting on CommitStatus hear now that this peer cannot commit, not at their deadline.
        const failure = ledger.commitFailure();
        if (failure !== undefined) commits.failAll(failure);
        throw error;
      }
    },
    onError: (error) => {
      const from = ordererEndpoints[puller.source]?.address ?? '';
      log(`block delivery from ${from} interrupted: ${error.message}; trying the next orderer`);
    },
  });
  puller.start();

  const operations: OperationsServer = await startOperationsServer(config.operations, {
    failedChecks: () => {
      const failure = ledger.commitFailure();
      return failure === undefined ? [] : [{ component: 'ledger', reason: failure.message }];
    },
    metrics: () =>
      [
        '# HELP ledger_blockchain_height Height of the chain in blocks.',
        '# TYPE ledger_blockchain_height gauge',
        `ledger_blockchain_height{channel="${config.channelId}"} ${ledger.height()}`,
        '# HELP deliver_streams_opened The number of GRPC streams that have been opened for the deliver service.',
        '# TYPE deliver_streams_opened counter',
        `deliver_streams_opened ${deliverStreams.opened}`,
        '# HELP deliver_streams_closed The number of GRPC streams that have been closed for the deliver service.',
        '# TYPE deliver_streams_closed counter',
        `deliver_streams_closed ${deliverStreams.closed}`,
        '',
      ].join('\n'),
    routes: {
      'GET /devnet/chaincodes': () => ({ status: 200, body: chaincodes.list() }),
      // Peers that committed the same blocks with the same verdicts have the same fingerprint (tests compare them).
      'GET /devnet/state': async () => ({
        status: 200,
        body: { height: ledger.height(), fingerprint: await ledger.stateFingerprint() },
      }),
      'POST /devnet/chaincodes': (body: unknown) => {
        const requested = body as Omit<ChaincodeDefinition, 'sequence'>;
        // A policy that does not parse is refused here (400), not discovered at the first commit.
        if (requested.policy.kind === 'signature') parseSignaturePolicy(requested.policy.text);
        const definition = chaincodes.define(requested);
        log(
          `chaincode ${definition.name} ${definition.version} defined at ${definition.address} (sequence ${definition.sequence})`,
        );
        return { status: 200, body: definition };
      },
    },
  });
  log(`peer ${config.name} serving on ${self.address}, height ${ledger.height()}`);

  return {
    ledger,
    close: async () => {
      puller.stop();
      for (const { sender } of senders) sender.close();
      commits.close();
      await operations.close();
      await new Promise<void>((resolve) => {
        server.tryShutdown(() => {
          resolve();
        });
      });
      await runtime.close();
      await ledger.close();
    },
  };
}

function applicationGroup(channel: DecodedChannelConfig): PolicyGroup {
  const group = channel.policies.groups.Application;
  if (group === undefined) throw new Error(`channel ${channel.channelId} has no Application group`);
  return group;
}

/** A chaincode's own signature policy, or the channel's /Channel/Application/Endorsement (MAJORITY by default). */
function endorsementSatisfied(
  definition: ChaincodeDefinition | undefined,
  application: PolicyGroup,
  endorsers: readonly PolicySigner[],
): boolean {
  if (definition === undefined) return false;
  if (definition.policy.kind === 'signature')
    return signaturePolicySatisfied(definition.policy, [], endorsers);
  return evaluatePolicy(application, 'Endorsement', endorsers).ok;
}

/** The gateway's view of the channel's other peers (paper profile), grouped by org in the config's order. */
function endorsementCollector(
  config: PeerNodeConfig,
  channel: DecodedChannelConfig,
  base: Pick<CollectorDeps, 'self' | 'satisfied'>,
): CollectorDeps {
  const peers = new Map<string, RemoteEndorser[]>();
  for (const target of config.channelPeers ?? []) {
    const endorser = remoteEndorser({
      ...target,
      tlsRootCertPem: readFileSync(target.tlsRootCertFile, 'utf8'),
    });
    peers.set(target.mspId, [...(peers.get(target.mspId) ?? []), endorser]);
  }
  return { ...base, orgs: channel.orgs.map((org) => org.mspId), peers };
}
