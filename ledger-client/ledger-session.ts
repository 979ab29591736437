/**
 * A session over one connection profile: one shared gRPC client for the profile's peer, and one FabricEhrLedger per
 * identity, created on first use and reused (a Gateway per identity is cheap; a connection per identity is not).
 */
import type { Gateway } from '@hyperledger/fabric-gateway';
import {
  connectIdentity,
  DEFAULT_DEADLINES_MS,
  PeerClients,
  ehrContract,
  type CallDeadlinesMs,
} from './connection.js';
import {
  ConnectionProfileError,
  readIdentityCredentials,
  type ConnectionProfile,
  type ProfileIdentity,
} from './connection-profile.js';
import { FabricEhrLedger } from './fabric-ehr-ledger.js';

export class LedgerSession {
  private readonly clients = new PeerClients();
  private readonly gateways = new Map<string, { gateway: Gateway; ledger: FabricEhrLedger }>();

  constructor(
    readonly profile: ConnectionProfile,
    private readonly deadlines: CallDeadlinesMs = DEFAULT_DEADLINES_MS,
  ) {}

  /** The ledger as seen by one identity (the chaincode reads its role from that identity's certificate). */
  ledgerFor(identity: ProfileIdentity): FabricEhrLedger {
    const key = `${identity.mspId}\n${identity.certificatePath}`;
    const cached = this.gateways.get(key);
    if (cached) return cached.ledger;
    const peer = this.profile.peers[0];
    if (peer === undefined) throw new Error(`connection profile ${this.profile.file} has no peers`);
    const gateway = connectIdentity(
      this.clients.clientFor(peer),
      readIdentityCredentials(identity),
      this.deadlines,
    );
    const ledger = new FabricEhrLedger(ehrContract(gateway, this.profile.channel, this.profile.chaincode));
    this.gateways.set(key, { gateway, ledger });
    return ledger;
  }

  /** The ledger of an identity named in the profile, e.g. `migrator`. */
  ledgerForNamed(name: string): FabricEhrLedger {
    const identity = this.profile.identities[name];
    if (identity === undefined) {
      const known = Object.keys(this.profile.identities).join(', ') || 'none';
      throw new ConnectionProfileError(this.profile.file, `names no identity "${name}" (it has: ${known})`);
    }
    return this.ledgerFor(identity);
  }

  /** Resolves when the profile's peer accepts a connection within `timeoutMs`; used for readiness checks. */
  probe(timeoutMs = 2_000): Promise<void> {
    const peer = this.profile.peers[0];
    if (peer === undefined)
      return Promise.reject(new Error(`connection profile ${this.profile.file} has no peers`));
    const client = this.clients.clientFor(peer);
    return new Promise((resolve, reject) => {
      client.waitForReady(Date.now() + timeoutMs, (error) => {
        if (error)
          reject(new Error(`peer ${peer.address} not reachable: ${error.message}`, { cause: error }));
        else resolve();
      });
    });
  }

  close(): void {
    for (const { gateway } of this.gateways.values()) gateway.close();
    this.gateways.clear();
    this.clients.close();
  }
}
