import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaConfigError, loadCaConfigFile, resolveCaConfig } from './ca-config.js';

describe('network/ca config', () => {
  it('fills Fabric CA defaults, resolves paths against the config folder and freezes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ca-config-'));
    try {
      const file = join(dir, 'ca.json');
      await writeFile(
        file,
        JSON.stringify({
          home: 'h',
          caCertFile: 'c.pem',
          caKeyFile: 'k',
          tls: { certFile: 't.crt', keyFile: 't.key' },
        }),
      );
      const config = await loadCaConfigFile(file);
      assert.equal(config.host, '127.0.0.1');
      assert.equal(config.port, 7054);
      assert.equal(config.operationsPort, 17054);
      assert.equal(config.maxEnrollments, -1);
      assert.deepEqual(config.bootstrapAdmin, { id: 'admin', secret: 'adminpw' });
      assert.equal(config.home, join(dir, 'h'));
      assert.equal(config.tls?.certFile, join(dir, 't.crt'));
      assert.ok(Object.isFrozen(config));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad values with CaConfigError (code CA_CONFIG)', () => {
    const base = { home: 'h', caCertFile: 'c', caKeyFile: 'k' };
    for (const [input, message] of [
      [{ caCertFile: 'c', caKeyFile: 'k' }, /config\.home is required/],
      [{ ...base, port: 70000 }, /config\.port must be a port number/],
      [{ ...base, maxEnrollments: -5 }, /maxEnrollments must be -1, 0 or a positive integer/],
      [{ ...base, tls: { certFile: 'x' } }, /config\.tls needs certFile and keyFile/],
      [{ ...base, bootstrapAdmin: { id: 'admin', secret: '' } }, /non-empty id and secret/],
    ] as const) {
      assert.throws(
        () => resolveCaConfig(input as Parameters<typeof resolveCaConfig>[0]),
        (err: unknown) => {
          assert.ok(err instanceof CaConfigError);
          const code: string = err.code;
          assert.equal(code, 'CA_CONFIG');
          assert.match(err.message, message);
          return true;
        },
      );
    }
  });
});
