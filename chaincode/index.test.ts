import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Tx } from '../common/ehr-contract.js';
import { contracts } from './index.js';

const require = createRequire(import.meta.url);

interface DiscoveredTransaction {
  name: string;
  parameters?: unknown[];
}

describe('chaincode package', () => {
  it('exposes exactly the wire-contract transactions when fabric-shim discovers them', () => {
    // The same class fabric-chaincode-node's `server` command builds from the package's `contracts` export.
    const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract.js') as new (
      ...args: unknown[]
    ) => { metadata: { contracts: Record<string, { transactions: DiscoveredTransaction[] }> } };
    const { JSONSerializer } = require('fabric-contract-api') as { JSONSerializer: unknown };
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
    const chaincode = new ChaincodeFromContract(contracts, serializers, {}, 'ehr', '0.1.0');
    const transactions = chaincode.metadata.contracts.ehr?.transactions ?? [];
    assert.deepEqual(transactions.map((t) => t.name).sort(), Object.values(Tx).sort());
    const arity = Object.fromEntries(transactions.map((t) => [t.name, t.parameters?.length ?? 0]));
    assert.deepEqual(arity, {
      CreateRecords: 1,
      CreateRecord: 1,
      ReadRecord: 2,
      UpdateRecord: 2,
      GetRecordHistory: 2,
      ListPatientRecords: 4,
      UpdatePatientAddress: 2,
      ResearchQuery: 4,
    });
  });

  it('has a package.json whose main is the built index, for --module-path chaincode', () => {
    const manifest = JSON.parse(readFileSync(sourceManifestPath(), 'utf8')) as { main: string };
    assert.equal(manifest.main, '../dist/chaincode/index.js');
  });
});

/** The source folder's package.json, found by walking up from the built test (dist/ or .build/NAME/). */
function sourceManifestPath(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    const candidate = join(directory, 'chaincode', 'package.json');
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  throw new Error('chaincode/package.json not found above the built test');
}
