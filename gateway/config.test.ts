import assert from 'node:assert/strict';
import { ConfigError, loadConfig, maskedConfig, requestTimeoutFromEnv } from './config.js';

describe('gateway config', () => {
  it('takes flags over environment over defaults and derives the public URL', () => {
    const config = loadConfig(
      { port: '9000' },
      {
        FHIRLEDGER_GATEWAY_PORT: '7000',
        FHIRLEDGER_GATEWAY_MAX_QUEUED: '10',
        FHIRLEDGER_GATEWAY_HOST: '127.0.0.1',
      },
    );
    assert.equal(config.port, 9000);
    assert.equal(config.maxQueued, 10);
    assert.equal(config.maxInFlight, 256);
    assert.equal(config.bodyLimitBytes, 1048576);
    assert.equal(config.headersTimeoutMs, 10000);
    assert.equal(config.receiveTimeoutMs, 30000);
    assert.equal(config.publicUrl, 'http://127.0.0.1:9000');
    assert.ok(Object.isFrozen(config));
  });

  it('refuses bad values naming where they came from', () => {
    assert.throws(
      () => loadConfig({}, { FHIRLEDGER_GATEWAY_PORT: '70000' }),
      /FHIRLEDGER_GATEWAY_PORT "70000" is not a whole number/,
    );
    assert.throws(() => loadConfig({ 'public-url': 'ftp://x' }, {}), ConfigError);
    assert.throws(() => loadConfig({ 'external-issuer': 'https://idp' }, {}), /must be given together/);
    assert.throws(() => loadConfig({ 'log-level': 'loud' }, {}), /not one of/);
    assert.throws(
      () => loadConfig({ 'headers-timeout-ms': '5000', 'receive-timeout-ms': '1000' }, {}),
      /--headers-timeout-ms 5000 is longer than --receive-timeout-ms 1000/,
    );
  });

  it('masks secrets and credentials in URLs when printed', () => {
    const config = loadConfig(
      {
        'signing-key-pem': '-----BEGIN PRIVATE KEY-----abc',
        'external-issuer': 'i',
        'external-jwks-url': 'https://u:p@idp/jwks',
      },
      {},
    );
    const shown = JSON.stringify(maskedConfig(config));
    assert.doesNotMatch(shown, /BEGIN PRIVATE KEY|u:p@/);
    assert.match(shown, /"signingKeyPem":"\*\*\*"/);
  });

  it('reads the request deadline alone from the environment, validated as the gateway reads it', () => {
    assert.equal(requestTimeoutFromEnv({}), 30000);
    assert.equal(requestTimeoutFromEnv({ FHIRLEDGER_GATEWAY_REQUEST_TIMEOUT_MS: '5000' }), 5000);
    // Another bad gateway variable is not this reader's to judge.
    assert.equal(requestTimeoutFromEnv({ FHIRLEDGER_GATEWAY_PORT: 'x' }), 30000);
    for (const bad of ['abc', '50', '1e9', '2.5']) {
      assert.throws(
        () => requestTimeoutFromEnv({ FHIRLEDGER_GATEWAY_REQUEST_TIMEOUT_MS: bad }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message ===
            `FHIRLEDGER_GATEWAY_REQUEST_TIMEOUT_MS "${bad}" is not a whole number from 100 to 600000`,
      );
    }
  });
});
