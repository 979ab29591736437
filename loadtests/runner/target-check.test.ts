import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../network/test/devnet.testkit.js';
import { freeLoopbackPort } from './free-port.js';
import { LoadError } from './load-error.js';
import { requireReachableGateway } from './target-check.js';

describe('load: the gateway is checked before k6 starts', () => {
  let server: Server;
  let status = 200;
  let baseUrl = '';
  before(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/healthz' ? status : 404;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
  });

  it('passes a healthy gateway, refuses an unhealthy or absent one with LOAD_TARGET_UNREACHABLE', async () => {
    status = 200;
    await requireReachableGateway(baseUrl);
    status = 503;
    await assert.rejects(requireReachableGateway(baseUrl), (error: unknown) => {
      assert.ok(error instanceof LoadError);
      assert.equal(error.code, 'LOAD_TARGET_UNREACHABLE');
      assert.match(error.message, /\/healthz is not healthy \(HTTP 503\)/);
      return true;
    });
    const closed = `http://127.0.0.1:${await freeLoopbackPort()}`;
    await assert.rejects(requireReachableGateway(closed), {
      code: 'LOAD_TARGET_UNREACHABLE',
      message: new RegExp(`gateway at ${closed} is not reachable \\(.*ECONNREFUSED.*\\)`),
    });
  });

  it('fhirledger load against a gateway that is down: exit 2, the reason on stderr, no results folder', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-load-down-'));
    try {
      const out = path.join(work, 'results');
      const result = runCli(
        [
          'load',
          'smoke',
          '--base-url',
          `http://127.0.0.1:${await freeLoopbackPort()}`,
          '--skip-verify',
          '--stack-home',
          work,
          '--out',
          out,
        ],
        { LOAD_PASSWORD: 'secret' },
      );
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /fhirledger load: LOAD_TARGET_UNREACHABLE: gateway at .* is not reachable/);
      assert.ok(
        !existsSync(out) || readdirSync(out).length === 0,
        'no results folder for a run that never started',
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
