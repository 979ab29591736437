import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DevnetHome } from './node/devnet-home.js';
import { Supervisor, SupervisorError, type StartSpec } from './supervisor.js';

/** A generic loopback HTTP server with a /healthz route — it exercises the supervisor, it is not Fabric. */
const HEALTH_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(req.url === '/healthz' ? '{"status":"OK"}' : '{}');
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on ' + process.env.PORT));
// Ends by running out of work (no explicit exit), like a node that shuts down cleanly.
process.on('SIGTERM', () => { console.log('stopping'); server.close(); server.closeAllConnections(); });
`;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

function isAlive(pid: number): boolean {
  return existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
}

/** Pids whose command line contains `text` (found through /proc, as the supervisor itself checks). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text);
      } catch (error) {
        // The process exited while we were listing: it is not running.
        if (
          (error as NodeJS.ErrnoException).code === 'ENOENT' ||
          (error as NodeJS.ErrnoException).code === 'ESRCH'
        )
          return false;
        throw error;
      }
    })
    .map(Number);
}

describe('supervisor (real processes)', function () {
  this.timeout(15000);
  let run: string;
  let supervisor: Supervisor;

  beforeEach(() => {
    run = mkdtempSync(path.join(os.tmpdir(), 'fhirledger-supervisor-'));
    supervisor = new Supervisor(new DevnetHome(run));
  });

  afterEach(async () => {
    for (const name of ['web', 'crash', 'silent', 'blocked']) await supervisor.stop(name, 1000);
    rmSync(run, { recursive: true, force: true });
  });

  function spec(name: string, script: string, port: number, deadlineMs = 5000): StartSpec {
    return {
      name,
      command: process.execPath,
      args: ['-e', script],
      env: { ...process.env, PORT: String(port) },
      ports: [port],
      readiness: { url: `http://127.0.0.1:${port}/healthz`, deadlineMs, intervalMs: 50 },
    };
  }

  it('starts a node detached, logs to <run>/logs, records the pid, and stops it', async () => {
    const port = await freePort();
    const node = await supervisor.start(spec('web', HEALTH_SERVER, port));
    assert.equal(node.logFile, path.join(run, 'logs', 'web.log'));
    assert.equal(readFileSync(path.join(run, 'pids', 'web.pid'), 'utf8').split('\n')[0], String(node.pid));
    assert.ok(supervisor.isRunning('web'));
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual(await health.json(), { status: 'OK' });

    assert.equal(await supervisor.stop('web'), true);
    assert.equal(supervisor.isRunning('web'), false);
    assert.equal(isAlive(node.pid), false);
    assert.equal(existsSync(path.join(run, 'pids', 'web.pid')), false);
    assert.match(readFileSync(node.logFile, 'utf8'), new RegExp(`listening on ${port}\\nstopping\\n`));
    assert.equal(await supervisor.stop('web'), false, 'a second stop has nothing to stop');
  });

  it('a node that exits at once fails with its name, exit code and the tail of its log', async () => {
    const port = await freePort();
    const script =
      "console.error('reading core.yaml'); console.error('FATAL: no MSP at /nowhere'); process.exitCode = 3";
    await assert.rejects(supervisor.start(spec('crash', script, port)), (error: unknown) => {
      assert.ok(error instanceof SupervisorError);
      assert.equal(error.code, 'SUPERVISOR_EXITED');
      assert.equal(error.node, 'crash');
      assert.match(
        error.message,
        /^crash exited with code 3 before answering http:\/\/127\.0\.0\.1:\d+\/healthz/,
      );
      assert.equal(error.logTail, 'reading core.yaml\nFATAL: no MSP at /nowhere');
      assert.match(
        error.message,
        /last lines of the log ---\nreading core\.yaml\nFATAL: no MSP at \/nowhere$/,
      );
      return true;
    });
    assert.equal(supervisor.isRunning('crash'), false);
  });

  it('a node that never becomes ready is killed at the deadline and named in the error', async () => {
    const port = await freePort();
    const marker = `never-ready-${process.pid}-${Date.now()}`;
    const script = `console.log('starting slowly'); setInterval(() => {}, 1000); // ${marker}`;
    await assert.rejects(supervisor.start(spec('silent', script, port, 600)), (error: unknown) => {
      assert.ok(error instanceof SupervisorError);
      assert.equal(error.code, 'SUPERVISOR_NOT_READY');
      assert.match(
        error.message,
        /^silent did not answer http:\/\/127\.0\.0\.1:\d+\/healthz within 600 ms; it was stopped/,
      );
      assert.equal(error.logTail, 'starting slowly');
      return true;
    });
    assert.equal(existsSync(path.join(run, 'pids', 'silent.pid')), false);
    assert.deepEqual(processesMentioning(marker), [], 'the node that never became ready was not killed');
  });

  it('a port that is already taken is refused before anything is spawned', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    assert.ok(address !== null && typeof address === 'object');
    try {
      await assert.rejects(supervisor.start(spec('blocked', HEALTH_SERVER, address.port)), {
        name: 'SupervisorError',
        code: 'SUPERVISOR_PORT_IN_USE',
        message: new RegExp(
          `^blocked needs 127\\.0\\.0\\.1:${address.port}, which another process is already listening on`,
        ),
      });
      assert.equal(existsSync(path.join(run, 'pids', 'blocked.pid')), false);
      assert.equal(existsSync(path.join(run, 'logs', 'blocked.log')), false);
    } finally {
      await new Promise<void>((resolve) =>
        blocker.close(() => {
          resolve();
        }),
      );
    }
  });

  it('a command that cannot be started is reported with the node name and no pid file', async () => {
    const port = await freePort();
    await assert.rejects(
      supervisor.start({ ...spec('crash', '', port), command: path.join(run, 'no-such-binary'), args: [] }),
      {
        name: 'SupervisorError',
        code: 'SUPERVISOR_SPAWN_FAILED',
        message: /^crash \(.*no-such-binary\) could not be started: spawn .*ENOENT/,
      },
    );
    assert.equal(existsSync(path.join(run, 'pids', 'crash.pid')), false);
  });

  it('refuses to start a node that is already running', async () => {
    const port = await freePort();
    await supervisor.start(spec('web', HEALTH_SERVER, port));
    await assert.rejects(supervisor.start(spec('web', HEALTH_SERVER, await freePort())), {
      code: 'SUPERVISOR_ALREADY_RUNNING',
    });
  });

  it('never signals a pid that now runs another command line (pid reuse), and drops the stale pid file', async () => {
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = stranger.pid;
    assert.ok(pid !== undefined);
    try {
      mkdirSync(path.join(run, 'pids'), { recursive: true });
      const pidFile = path.join(run, 'pids', 'web.pid');
      writeFileSync(pidFile, `${pid}\n${JSON.stringify([process.execPath, '-e', HEALTH_SERVER])}\n`);
      assert.equal(supervisor.isRunning('web'), false);
      assert.equal(await supervisor.stop('web', 200), false);
      assert.ok(isAlive(pid), 'the unrelated process must still be running');
      assert.equal(existsSync(pidFile), false);

      // A pid file without a command line cannot prove ownership either.
      writeFileSync(pidFile, `${pid}\n`);
      assert.equal(await supervisor.stop('web', 200), false);
      assert.ok(isAlive(pid));
    } finally {
      stranger.kill('SIGKILL');
    }
  });
});
