/**
 * The orderer process's composition root: its signing identity (local MSP) and the channel's MSPs read from the
 * genesis block, handed to the orderer service (ordering node, AtomicBroadcast over TLS, operations endpoint).
 */
import { readFileSync } from 'node:fs';
import { MspRegistry } from '../msp/msp-registry.js';
import { loadSigningIdentity } from '../msp/signing-identity.js';
import { EtcdOrderingLog } from '../orderer/etcd-ordering-log.js';
import { startOrdererService } from '../orderer/orderer-service.js';
import { decodeConfigBlock } from '../protocol/channel-config-decode.js';
import type { OrdererNodeConfig } from './node-config.js';

export async function startOrderer(
  config: OrdererNodeConfig,
  log: (line: string) => void,
): Promise<{ close(): Promise<void> }> {
  const genesisBlock = readFileSync(config.genesisBlockFile);
  const raft = config.raft;
  const service = await startOrdererService({
    dataDir: config.dataDir,
    signer: await loadSigningIdentity(config.mspId, config.mspDir),
    identities: channelMsps(genesisBlock),
    channels: [{ channelId: config.channelId, genesisBlock }],
    listen: config.listen,
    tls: {
      certPem: readFileSync(config.tls.certFile, 'utf8'),
      keyPem: readFileSync(config.tls.keyFile, 'utf8'),
    },
    operations: config.operations,
    logFactory:
      raft === undefined
        ? undefined
        : (channelId, resumeAfter) =>
            new EtcdOrderingLog({
              clientUrl: raft.etcdClientUrl,
              channelId,
              resumeAfter,
              onError: (error) => {
                log(
                  `channel ${channelId}: Raft log stream from ${raft.etcdClientUrl} interrupted: ${error.message}`,
                );
              },
            }),
    onChainError: (channelId, error) => {
      log(`channel ${channelId} halted: ${error.message}`);
    },
  });
  log(`orderer ${config.name} serving ${service.node.channelIds().join(', ')} on ${service.grpc.address}`);
  return service;
}

/** The MSPs of every org in the channel's config block, application and orderer orgs alike. */
export function channelMsps(configBlock: Uint8Array): MspRegistry {
  const channel = decodeConfigBlock(configBlock);
  return new MspRegistry(
    [...channel.orgs, ...channel.ordererOrgs].map((org) => ({
      mspId: org.mspId,
      rootCertsPem: org.rootCertsPem,
      intermediateCertsPem: org.intermediateCertsPem,
      nodeOUs: org.nodeOUsEnabled,
    })),
  );
}
