/**
 * The orderer process's composition root: its signing identity (local MSP), the channel's MSPs read from the
 * genesis block, the ordering node (block store, cutter, chain), the AtomicBroadcast gRPC server behind TLS and the
 * operations endpoint with Fabric's /healthz and /metrics.
 */
import { readFileSync } from 'node:fs';
import { MspRegistry } from '../msp/msp-registry.js';
import { loadSigningIdentity } from '../msp/signing-identity.js';
import { startOrdererGrpcServer } from '../orderer/grpc-server.js';
import { OrdererNode } from '../orderer/orderer-node.js';
import { decodeConfigBlock } from '../protocol/channel-config-decode.js';
import type { OrdererNodeConfig } from './node-config.js';
import { startOperationsServer } from './operations-server.js';

export async function startOrderer(config: OrdererNodeConfig, log: (line: string) => void): Promise<{ close(): Promise<void> }> {
  const signer = await loadSigningIdentity(config.mspId, config.mspDir);
  const genesisBlock = readFileSync(config.genesisBlockFile);
  const channel = decodeConfigBlock(genesisBlock);
  const identities = new MspRegistry(
    [...channel.orgs, ...channel.ordererOrgs].map((org) => ({
      mspId: org.mspId,
      rootCertsPem: org.rootCertsPem,
      intermediateCertsPem: org.intermediateCertsPem,
      nodeOUs: org.nodeOUsEnabled,
    })),
  );
  const node = await OrdererNode.open({
    dataDir: config.dataDir,
    signer,
    identities,
    channels: [{ channelId: config.channelId, genesisBlock }],
    onChainError: (channelId, error) => {
      log(`channel ${channelId} halted: ${error.message}`);
    },
  });
  const grpcServer = await startOrdererGrpcServer({
    host: config.listen.host,
    port: config.listen.port,
    tls: { certPem: readFileSync(config.tls.certFile, 'utf8'), keyPem: readFileSync(config.tls.keyFile, 'utf8') },
    broadcast: { channels: node, identities, metrics: node.metrics },
    deliver: { channels: node, identities, metrics: node.metrics },
  });
  const operations = await startOperationsServer(config.operations, {
    metrics: () => [node.metrics.render()],
    health: () => Object.fromEntries(node.failedChecks().map((check) => [check.component, check.reason])),
  });
  log(`orderer ${config.name} serving ${node.channelIds().join(', ')} on ${grpcServer.address}`);
  return {
    close: async () => {
      await operations.close();
      await grpcServer.close();
      await node.close();
    },
  };
}
