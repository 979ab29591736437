import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../common/config-table.js';
import { parseLoadOptions } from './cli.js';

describe('load settings: flag, else variable, else default', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'load-config-'));
  });
  after(() => {
    rmSync(home, { recursive: true, force: true });
  });
  const parse = (argv: string[], env: NodeJS.ProcessEnv) =>
    parseLoadOptions(['smoke', '--skip-verify', ...argv], {
      LOAD_PASSWORD: 'x',
      FHIRLEDGER_NETWORK_HOME: home,
      ...env,
    });

  it('takes FHIRLEDGER_LOAD_* and BASE_URL when no flag is given, the flag when it is', async () => {
    const env = {
      BASE_URL: 'http://127.0.0.1:18080/',
      FHIRLEDGER_LOAD_THINK_TIME: '0.5',
      FHIRLEDGER_LOAD_VERIFY_CONCURRENCY: '3',
      FHIRLEDGER_LOAD_DURATION: '10s',
    };
    const fromEnv = await parse([], env);
    assert.ok(fromEnv !== 'help');
    assert.deepEqual(
      [fromEnv.baseUrl, fromEnv.thinkTimeSeconds, fromEnv.verifyConcurrency, fromEnv.duration],
      ['http://127.0.0.1:18080', 0.5, 3, '10s'],
    );
    const fromFlags = await parse(['--think-time', '2', '--base-url', 'http://127.0.0.1:1'], env);
    assert.ok(fromFlags !== 'help');
    assert.deepEqual([fromFlags.thinkTimeSeconds, fromFlags.baseUrl], [2, 'http://127.0.0.1:1']);
    const defaults = await parse([], {});
    assert.ok(defaults !== 'help');
    assert.deepEqual(
      [defaults.baseUrl, defaults.verifyConcurrency, defaults.thinkTimeSeconds],
      ['http://127.0.0.1:8080', 16, undefined],
    );
  });

  it('names the variable or flag of a bad value', async () => {
    await assert.rejects(parse([], { FHIRLEDGER_LOAD_DURATION: '10 minutes' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(
        error.message,
        'FHIRLEDGER_LOAD_DURATION "10 minutes" is not a k6 duration such as 30s, 5m or 1h30m',
      );
      return true;
    });
    await assert.rejects(
      parse(['--base-url', 'ftp://x'], {}),
      /--base-url "ftp:\/\/x" is not an http\(s\) URL/,
    );
    await assert.rejects(parse([], { BASE_URL: 'nope' }), /BASE_URL "nope" is not an http\(s\) URL/);
  });
});
