import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENV_RULES, envProblems } from '../lib/env-rules.js';
import { repoRoot } from './repo-root.js';

describe('k6 script variables checked by the runner (loadtests/lib/env-rules.ts)', () => {
  it('accepts good values and the unset/empty default, and names the variable and the form for bad ones', () => {
    assert.deepEqual(
      envProblems({
        SMOKE_VUS: '3',
        THINK_TIME: '0.5',
        SMOKE_DURATION: '1m30s',
        CALIPER_RATES: '50,150',
        LOGIN_PER_VU: 'false',
        SOAK_VUS: '',
        UNRELATED: 'abc',
      }),
      [],
    );
    assert.deepEqual(
      envProblems({
        SMOKE_VUS: 'abc',
        VUS_MAX: '0',
        THINK_TIME: '-1',
        SOAK_DURATION: 'soon',
        CALIPER_RATES: '50,,250',
        LOGIN_PER_VU: 'yes',
        CALIPER_POOL: '2.5',
      }),
      [
        'env THINK_TIME="-1" is not a number >= 0',
        'env SOAK_DURATION="soon" is not a k6 duration (e.g. 30s, 1m30s, 500ms)',
        'env VUS_MAX="0" is not a whole number >= 1',
        'env LOGIN_PER_VU="yes" is not true or false',
        'env SMOKE_VUS="abc" is not a whole number >= 1',
        'env CALIPER_RATES entry "" is not a whole number >= 1 (expected a comma-separated list)',
        'env CALIPER_POOL="2.5" is not a whole number >= 1',
      ],
    );
  });

  it('covers every variable the scripts read with a rule, and only config.ts reads __ENV', () => {
    const root = path.join(repoRoot(), 'loadtests');
    const files = ['lib', 'scenarios'].flatMap((dir) =>
      readdirSync(path.join(root, dir))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => path.join(root, dir, name)),
    );
    const read = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!file.endsWith(`${path.sep}config.ts`)) assert.doesNotMatch(text, /__ENV[[.]/, file);
      for (const match of text.matchAll(/\benv(?:Int|IntList|Number|Duration|Bool)\('([A-Z0-9_]+)'/g))
        read.add(match[1] ?? '');
    }
    // The scenarios read at least these; a name missing from the table would also fail the k6 type check.
    for (const name of ['SMOKE_VUS', 'SOAK_VUS', 'CALIPER_RATES', 'ARRIVAL_RATE_MAX'])
      assert.ok(read.has(name), name);
    for (const name of read) assert.ok(name in ENV_RULES, `${name} has no rule in ENV_RULES`);
  });

  it('`fhirledger load smoke` with SMOKE_VUS=abc exits 2 naming it, before the gateway check or k6', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'load-env-check-'));
    try {
      // A tripwire k6: if the runner ever started k6 (even `k6 version`), the marker file would exist.
      const marker = path.join(home, 'k6-started');
      const k6 = path.join(home, 'k6');
      writeFileSync(k6, `#!/bin/sh\ntouch '${marker}'\necho 'k6 v1.8.1'\n`);
      chmodSync(k6, 0o755);
      const cli = path.join(repoRoot(), 'dist', 'cli', 'main.js');
      const result = spawnSync(
        process.execPath,
        [cli, 'load', 'smoke', '--base-url', 'http://127.0.0.1:1', '--skip-verify', '--out', home],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            SMOKE_VUS: 'abc',
            LOAD_PASSWORD: 'x',
            K6_BIN: k6,
            FHIRLEDGER_NETWORK_HOME: path.join(home, 'no-stack'),
          },
        },
      );
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /env SMOKE_VUS="abc" is not a whole number >= 1/);
      assert.doesNotMatch(result.stderr, /LOAD_TARGET_UNREACHABLE/);
      assert.equal(existsSync(marker), false, 'k6 was started');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
