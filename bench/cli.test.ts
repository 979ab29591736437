import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { UsageError } from '../common/cli-args.js';
import { parseBenchArgs } from './cli.js';
import { EXPERIMENT_PROCESS, EXPERIMENTS } from './experiments.js';

describe('fhirledger bench', () => {
  it('runs every experiment through the one process entry the build produced, and each module exports run', async () => {
    for (const experiment of EXPERIMENTS) {
      const invocation = parseBenchArgs([experiment.name]);
      assert.notEqual(invocation, 'help');
      if (invocation === 'help') return;
      assert.ok(existsSync(invocation.script), `${experiment.name}: ${invocation.script}`);
      assert.deepEqual(invocation.args, [experiment.name]);
      assert.equal(typeof (await experiment.load()).run, 'function', experiment.name);
    }
  });

  it('passes the size flag the way each script reads it', () => {
    const generate = parseBenchArgs(['generate', '--patients', '500']);
    const dryRun = parseBenchArgs(['migrate-dry-run', '--patients', '500']);
    const bundle = parseBenchArgs(['bundle-stream', '--gib', '0.5']);
    assert.deepEqual(generate !== 'help' && generate.args, ['generate', '500']);
    assert.deepEqual(dryRun !== 'help' && dryRun.args, ['migrate-dry-run', '--patients', '500']);
    assert.deepEqual(bundle !== 'help' && bundle.args, ['bundle-stream', '--gib', '0.5']);
    const devnet = parseBenchArgs(['devnet', '--transactions', '300']);
    assert.deepEqual(devnet !== 'help' && devnet.args, ['devnet', '--transactions', '300']);
    const seed = parseBenchArgs(['users-seed', '--users', '500']);
    assert.deepEqual(seed !== 'help' && seed.args, ['users-seed', '--users', '500']);
  });

  it('hands devnet its own flags and --help as given, and its process refuses one it does not take (exit 2)', () => {
    const devnet = parseBenchArgs(['devnet', '--runs', '1', '--concurrency', '10', '--help']);
    assert.deepEqual(devnet !== 'help' && devnet.args, [
      'devnet',
      '--runs',
      '1',
      '--concurrency',
      '10',
      '--help',
    ]);
    const help = spawnSync(process.execPath, [EXPERIMENT_PROCESS, 'devnet', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /--runs R .*env FHIRLEDGER_BENCH_DEVNET_RUNS/);
    const refused = spawnSync(process.execPath, [EXPERIMENT_PROCESS, 'devnet', '--patients', '3'], {
      encoding: 'utf8',
    });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^bench devnet: Unknown option '--patients'/);
  });

  it('refuses a missing or unknown experiment, a flag that does not apply, and bad sizes', () => {
    assert.throws(() => parseBenchArgs([]), /missing experiment; expected one of generate, migrate-dry-run/);
    assert.throws(() => parseBenchArgs(['paper-000']), /unknown experiment "paper-000"/);
    assert.throws(() => parseBenchArgs(['generate', '--gib', '1']), /--gib does not apply to generate/);
    assert.throws(() => parseBenchArgs(['generate', '--patients', '1.5']), /not a whole number/);
    assert.throws(() => parseBenchArgs(['bundle-stream', '--gib', '-1']), UsageError);
    assert.throws(() => parseBenchArgs(['generate', 'extra']), /unexpected argument "extra"/);
    assert.equal(parseBenchArgs(['--help']), 'help');
  });
});
