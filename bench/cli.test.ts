import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { UsageError } from '../common/cli-args.js';
import { parseBenchArgs } from './cli.js';
import { EXPERIMENTS } from './experiments.js';

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
    assert.throws(() => parseBenchArgs(['devnet', '--patients', '3']), /--patients does not apply to devnet/);
    const seed = parseBenchArgs(['users-seed', '--users', '500']);
    assert.deepEqual(seed !== 'help' && seed.args, ['users-seed', '--users', '500']);
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
