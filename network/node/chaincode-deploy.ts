/**
 * `network chaincode deploy`: packages a chaincode-as-a-service the way Fabric's CCaaS packages are built
 * (metadata.json + code.tar.gz with connection.json; package id = label:sha256), and defines it on the peer's
 * channel. The devnet has no `_lifecycle` transactions, so the definition goes to the peer's admin endpoint, which
 * keeps it in its data folder. Redeploying with other settings raises the sequence, as a lifecycle upgrade does.
 */
import path from 'node:path';
import { writeChaincodePackage } from '../ccaas-builder.js';
import type { ChaincodeDefinition } from '../peer/chaincode-registry.js';
import { DevnetHome } from './devnet-home.js';
import { endpoint } from './dev-profile.js';
import { readDescription, type NetworkDescription } from './network-description.js';
import { NetworkError } from './network-error.js';

export interface DeployRequest {
  readonly name: string;
  readonly address: string;
  readonly version: string;
  /** Signature policy text; the channel's MAJORITY Endorsement when absent. */
  readonly policy: string | undefined;
}

export interface DeployedChaincode extends ChaincodeDefinition {
  readonly packageFile: string;
}

export async function deployChaincode(homeDir: string, request: DeployRequest): Promise<DeployedChaincode> {
  const home = new DevnetHome(homeDir);
  const description = readDescription(home);
  const packaged = await packageChaincode(home, request);
  const defined = await defineOnPeers(description, packaged.definition);
  return { ...defined, packageFile: packaged.file };
}

/** Writes the CCaaS package; its id is known before any node runs, so the chaincode server can start at once. */
export async function packageChaincode(
  home: DevnetHome,
  request: DeployRequest,
): Promise<{ file: string; definition: Omit<ChaincodeDefinition, 'sequence'> }> {
  const label = `${request.name}_${request.version}`;
  const packaged = await writeChaincodePackage(path.join(home.chaincodePackages, `${label}.tgz`), label, {
    address: request.address,
  });
  return {
    file: packaged.file,
    definition: {
      name: request.name,
      version: request.version,
      packageId: packaged.packageId,
      address: request.address,
      policy:
        request.policy === undefined
          ? { kind: 'majority-of-orgs' }
          : { kind: 'signature', text: request.policy },
    },
  };
}

/**
 * Defines the chaincode on every peer of the network (what approving and committing a definition achieves in
 * Fabric); answers with the first peer's definition.
 */
export async function defineOnPeers(
  description: NetworkDescription,
  definition: Omit<ChaincodeDefinition, 'sequence'>,
): Promise<ChaincodeDefinition> {
  const admins = description.nodes
    .filter((node) => node.role === 'peer')
    .map((node) => node.endpoints.operations ?? endpoint(description.ports.peerOperations));
  const defined = await Promise.all(admins.map((admin) => defineOnPeer(admin, definition)));
  const first = defined[0];
  if (first === undefined) throw new NetworkError('NETWORK_DEPLOY_FAILED', 'the network has no peer');
  return first;
}

/** Sends the definition to a peer's admin endpoint; the peer keeps it and answers with its sequence. */
async function defineOnPeer(
  admin: string,
  definition: Omit<ChaincodeDefinition, 'sequence'>,
): Promise<ChaincodeDefinition> {
  const url = `http://${admin}/devnet/chaincodes`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(definition),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new NetworkError(
      'NETWORK_NOT_RUNNING',
      `the peer's admin endpoint ${url} is not answering: is the network up?`,
      {
        cause: error,
      },
    );
  }
  const body = (await response.json()) as ChaincodeDefinition | { error: string };
  if (!response.ok || 'error' in body) {
    throw new NetworkError(
      'NETWORK_DEPLOY_FAILED',
      `the peer refused the definition of ${definition.name}: ${'error' in body ? body.error : response.statusText}`,
    );
  }
  return body;
}
