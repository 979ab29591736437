/**
 * Test-only wiring: a fresh ledger directory, an in-memory block store, known identities (an Org1 client, peers of
 * Org1 and Org2, an orderer, an unknown outsider) and endorsement policies by namespace: `basic` needs an Org1 peer, `both`
 * needs peers of Org1 and Org2, and any other namespace is an unknown chaincode.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicySigner } from '../msp/types.js';
import { openChannelLedger, type LevelChannelLedger } from './channel-ledger.js';
import { MemoryBlockStore } from './memory-block-store.fake.js';
import { buildBlock } from './test-blocks.fake.js';
import { buildConfigTx } from './test-envelopes.fake.js';
import { TestIdentity, TestIdentityValidator } from './test-identities.fake.js';
import type { CommitPolicies, CommittedBlock } from './types.js';

export const POLICIES: Record<string, readonly string[]> = {
  basic: ['Org1MSP'],
  both: ['Org1MSP', 'Org2MSP'],
};

export interface TestIds {
  client: TestIdentity;
  peer1: TestIdentity;
  peer2: TestIdentity;
  outsider: TestIdentity;
  orderer: TestIdentity;
}

export function makeIds(): TestIds {
  return {
    client: new TestIdentity('Org1MSP', 'client'),
    peer1: new TestIdentity('Org1MSP', 'peer'),
    peer2: new TestIdentity('Org2MSP', 'peer'),
    outsider: new TestIdentity('Org9MSP', 'client'),
    orderer: new TestIdentity('OrdererMSP', 'orderer'),
  };
}

export function makePolicies(ids: TestIds): CommitPolicies {
  return {
    identities: new TestIdentityValidator([ids.client, ids.peer1, ids.peer2, ids.orderer]),
    endorsementSatisfied(namespace: string, endorsers: readonly PolicySigner[]): boolean {
      const required = POLICIES[namespace];
      if (required === undefined) return false;
      return required.every((mspId) => endorsers.some((e) => e.mspId === mspId && e.role === 'peer'));
    },
  };
}

export class TestLedger {
  private constructor(
    readonly dir: string,
    readonly store: MemoryBlockStore,
    readonly ids: TestIds,
    readonly policies: CommitPolicies,
    public ledger: LevelChannelLedger,
  ) {}

  /** A new ledger with the genesis block committed. */
  static async create(
    ids: TestIds = makeIds(),
    policies: CommitPolicies = makePolicies(ids),
  ): Promise<TestLedger> {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-test-'));
    const store = new MemoryBlockStore();
    const ledger = await openChannelLedger(join(dir, 'state'), 'mychannel', store, policies);
    const test = new TestLedger(dir, store, ids, policies, ledger);
    await test.commit([buildConfigTx().envelope]);
    return test;
  }

  commit(envelopes: readonly Uint8Array[]): Promise<CommittedBlock> {
    return this.ledger.commitBlock(buildBlock(this.ledger.height(), envelopes));
  }

  /** Closes the state database only (the block store survives, like a file on disk) and opens the ledger again. */
  async reopen(policies: CommitPolicies = this.policies): Promise<void> {
    await this.ledger.close();
    this.ledger = await openChannelLedger(join(this.dir, 'state'), 'mychannel', this.store, policies);
  }

  async dispose(): Promise<void> {
    await this.ledger.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
