import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError } from '../common/config-table.js';
import {
  DEPLOY_SETTINGS,
  loadNetworkSettings,
  LOGS_SETTINGS,
  requireDeployTarget,
  UP_SETTINGS,
} from './network-config.js';

describe('network settings: flag, else FHIRLEDGER_NETWORK_*, else default', () => {
  it('reads the home and port offset from the environment unless a flag gives them', () => {
    const env = { FHIRLEDGER_NETWORK_HOME: '/tmp/net-a', FHIRLEDGER_NETWORK_PORT_OFFSET: '300' };
    assert.deepEqual(
      { ...loadNetworkSettings(UP_SETTINGS, {}, env) },
      { profile: undefined, home: '/tmp/net-a', portOffset: 300 },
    );
    const flags = loadNetworkSettings(UP_SETTINGS, { home: '/tmp/net-b', 'port-offset': '-5' }, env);
    assert.deepEqual([flags.home, flags.portOffset], ['/tmp/net-b', -5]);
    assert.equal(
      loadNetworkSettings(UP_SETTINGS, {}, {}).home,
      path.join(process.cwd(), '.fhirledger', 'devnet'),
    );
    assert.equal(loadNetworkSettings(LOGS_SETTINGS, {}, {}).lines, 50);
  });

  it('names the flag or variable a bad value came from', () => {
    assert.throws(
      () => loadNetworkSettings(UP_SETTINGS, {}, { FHIRLEDGER_NETWORK_PROFILE: 'prod' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'FHIRLEDGER_NETWORK_PROFILE "prod" is not one of dev, paper',
    );
    assert.throws(
      () => loadNetworkSettings(LOGS_SETTINGS, { lines: '0' }, {}),
      /--lines "0" is not a whole number/,
    );
    assert.throws(
      () => loadNetworkSettings(DEPLOY_SETTINGS, { address: 'nowhere' }, {}),
      /--address "nowhere" is not HOST:PORT/,
    );
  });

  it('deploy: name and address required, from flags or FHIRLEDGER_NETWORK_CHAINCODE_*', () => {
    const env = {
      FHIRLEDGER_NETWORK_CHAINCODE_NAME: 'ehr',
      FHIRLEDGER_NETWORK_CHAINCODE_ADDRESS: 'localhost:9999',
    };
    const settings = loadNetworkSettings(DEPLOY_SETTINGS, {}, env);
    assert.deepEqual(requireDeployTarget(settings), { name: 'ehr', address: 'localhost:9999' });
    assert.equal(settings.version, '1.0');
    assert.throws(
      () => requireDeployTarget(loadNetworkSettings(DEPLOY_SETTINGS, {}, {})),
      /--name is required/,
    );
  });
});
