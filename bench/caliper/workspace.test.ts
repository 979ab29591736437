import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCaliperArgs } from './cli.js';
import { roundGrid } from './rounds.js';
import { benchmarkConfig, networkConfig, type CaliperTarget } from './workspace.js';
import { toYaml } from './yaml.js';

const target: CaliperTarget = {
  mspId: 'Org1MSP',
  peerEndpoint: '127.0.0.1:7051',
  tlsCaCertFile: '/home/peer/ca.crt',
  channel: 'mychannel',
  contractId: 'ehr',
  identity: { name: 'caliper-provider', certificateFile: '/id/cert.pem', privateKeyFile: '/id/priv_sk' },
};

describe('Caliper workspace', () => {
  it('writes the peer-gateway network config: server-side TLS only, the peer with its TLS root, one identity', () => {
    assert.equal(
      toYaml(networkConfig(target)),
      [
        'name: "fhirledger-caliper"',
        'version: "2.0.0"',
        'caliper:',
        '  blockchain: "fabric"',
        '  sutOptions:',
        '    mutualTls: false',
        'channels:',
        '  - channelName: "mychannel"',
        '    contracts:',
        '      - id: "ehr"',
        'organizations:',
        '  - mspid: "Org1MSP"',
        '    identities:',
        '      certificates:',
        '        - name: "caliper-provider"',
        '          clientPrivateKey:',
        '            path: "/id/priv_sk"',
        '          clientSignedCert:',
        '            path: "/id/cert.pem"',
        '    peers:',
        '      - endpoint: "127.0.0.1:7051"',
        '        tlsCACerts:',
        '          path: "/home/peer/ca.crt"',
        '',
      ].join('\n'),
    );
  });

  it("defaults to paper 002's grid: open, query, transfer × 50, 150, 250 TPS × 1000, fixed-rate", () => {
    const rounds = roundGrid();
    assert.deepEqual(
      rounds.map((round) => `${round.op}@${round.tps}×${round.transactions}`),
      [
        'open@50×1000',
        'open@150×1000',
        'open@250×1000',
        'query@50×1000',
        'query@150×1000',
        'query@250×1000',
        'transfer@50×1000',
        'transfer@150×1000',
        'transfer@250×1000',
      ],
    );
    const config = benchmarkConfig(rounds.slice(3, 4), target, {
      module: 'workload/ehr-workload.js',
      workers: 1,
      batchSize: 1,
      poolSize: 500,
      runId: 'r1',
      samplesDir: '/s',
    });
    assert.deepEqual(config, {
      test: {
        name: 'fhirledger-ehr',
        description: 'EHR chaincode "ehr" on mychannel through the peer gateway',
        workers: { number: 1 },
        rounds: [
          {
            label: 'query-50tps',
            description: '1000 × ReadRecord at a fixed 50 TPS',
            txNumber: 1000,
            rateControl: { type: 'fixed-rate', opts: { tps: 50 } },
            workload: {
              module: 'workload/ehr-workload.js',
              arguments: {
                op: 'query',
                contractId: 'ehr',
                invokerIdentity: 'caliper-provider',
                batchSize: 1,
                poolSize: 500,
                runId: 'r1',
                samplesDir: '/s',
              },
            },
          },
        ],
      },
    });
  });

  it('quotes every string, so no value turns into a number, boolean or YAML syntax', () => {
    assert.equal(
      toYaml({ a: 'true', b: '1.0', c: 'x: y', d: [], e: {}, 'f g': [1, 'two'] }),
      ['a: "true"', 'b: "1.0"', 'c: "x: y"', 'd: []', 'e: {}', '"f g":', '  - 1', '  - "two"', ''].join('\n'),
    );
  });
});

describe('fhirledger bench caliper flags', () => {
  it('builds the round grid from --ops, --rates and --transactions', () => {
    const config = parseCaliperArgs([
      '--home',
      '/h',
      '--ops',
      'open,query',
      '--rates',
      '5,10',
      '--transactions',
      '50',
    ]);
    assert.notEqual(config, 'help');
    if (config === 'help') return;
    assert.equal(config.home, '/h');
    assert.deepEqual(
      config.rounds.map((round) => `${round.op}@${round.tps}×${round.transactions}`),
      ['open@5×50', 'open@10×50', 'query@5×50', 'query@10×50'],
    );
    assert.equal(config.poolSize, 500);
    assert.equal(config.resultsRoot, 'results');
  });

  it('refuses an unknown op, a bad rate, an empty entry, a stray argument and an unknown flag', () => {
    assert.throws(
      () => parseCaliperArgs(['--ops', 'open,mint']),
      /--ops entry "mint" is not one of open, query, transfer/,
    );
    assert.throws(
      () => parseCaliperArgs(['--rates', '50,0']),
      /--rates entry "0" is not a whole number from 1 to 10000/,
    );
    assert.throws(() => parseCaliperArgs(['--rates', '50,']), /--rates "50," has an empty entry/);
    assert.throws(
      () => parseCaliperArgs(['--transactions', '1.5']),
      /--transactions "1.5" is not a whole number/,
    );
    assert.throws(() => parseCaliperArgs(['now']), /Unexpected argument 'now'/);
    assert.throws(() => parseCaliperArgs(['--rate', '5']), { name: 'UsageError' });
    assert.equal(parseCaliperArgs(['--help']), 'help');
  });

  it('answers --help itself through the fhirledger CLI, and exits 2 on an unknown flag', () => {
    const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
    const help = spawnSync(process.execPath, [main, 'bench', 'caliper', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: fhirledger bench caliper \[--home DIR\]/);
    const bad = spawnSync(process.execPath, [main, 'bench', 'caliper', '--rate', '5'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Unknown option '--rate'/);
  });

  it('exits 2 naming NETWORK_NOT_CREATED when --home holds no devnet, as `network` does', () => {
    const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
    const home = mkdtempSync(path.join(os.tmpdir(), 'caliper-no-devnet-'));
    try {
      const run = spawnSync(process.execPath, [main, 'bench', 'caliper', '--home', home], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /fhirledger bench caliper: NETWORK_NOT_CREATED: no devnet in /);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
