import assert from 'node:assert/strict';
import { nodeEnvironment } from './node-control.js';

describe('node processes environment', () => {
  it('is fixed, whatever the CLI environment holds', () => {
    assert.deepEqual(
      nodeEnvironment({ PATH: '/bin', HOME: '/home/u', SECRET: 'x', NODE_OPTIONS: '--inspect' }),
      {
        PATH: '/bin',
        HOME: '/home/u',
        NODE_ENV: 'production',
      },
    );
  });

  it('passes FHIRLEDGER_NODE_OPTIONS on as NODE_OPTIONS, for profiling', () => {
    const env = nodeEnvironment({
      PATH: '/bin',
      FHIRLEDGER_NODE_OPTIONS: '--cpu-prof --cpu-prof-dir=/tmp/p',
    });
    assert.equal(env.NODE_OPTIONS, '--cpu-prof --cpu-prof-dir=/tmp/p');
    assert.equal(nodeEnvironment({ FHIRLEDGER_NODE_OPTIONS: '' }).NODE_OPTIONS, undefined);
  });
});
