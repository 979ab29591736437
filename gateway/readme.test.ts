import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LedgerErrorCode } from '../ledger-client/ledger-error.js';
import { FAILURE_STATUS, GatewayErrorCode } from './failure.js';
import { envName } from '../common/config-table.js';
import { GATEWAY_SETTINGS } from './config.js';

describe('gateway/README.md', () => {
  // Tests run from the repository root (npm test, the per-engineer mocha command).
  const readme = (): string => readFileSync('gateway/README.md', 'utf8');

  it('documents every error code the gateway can answer with', () => {
    const codes = [...Object.values(GatewayErrorCode), ...Object.values(LedgerErrorCode)];
    const missing = codes.filter((code) => !readme().includes(`\`${code}\``));
    assert.deepEqual(missing, []);
  });

  it('documents every status of the failure mapping and every setting with its env name', () => {
    for (const status of new Set(Object.values(FAILURE_STATUS)))
      assert.ok(readme().includes(`| ${status} `), `status ${status}`);
    for (const setting of GATEWAY_SETTINGS.settings) {
      assert.ok(readme().includes(`\`--${setting.flag}\``), setting.flag);
      assert.ok(
        readme().includes(`\`${envName(GATEWAY_SETTINGS, setting)}\``),
        envName(GATEWAY_SETTINGS, setting),
      );
    }
  });
});
