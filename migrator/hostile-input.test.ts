import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CheckpointStore } from './io/checkpoint.js';
import { InMemoryLedger } from './in-memory-ledger.fake.js';
import {
  migrateFiles,
  organizationLine,
  patientLine,
  readDeadLetter,
  runCli,
  submissionCounts,
} from './hostile-input.testkit.js';
import { useTempDir } from '../common/temp-dir.testkit.js';

/** mulberry32: the same "random" bytes on every run, so a failure can be replayed. */
function seededBytes(seed: number, count: number): Buffer {
  let state = seed >>> 0;
  const out = Buffer.alloc(count);
  for (let i = 0; i < count; i += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

/** Patients with an Organization every tenth line, so both passes of a live run have work before any cut. */
function mixedLines(count: number): { lines: string[]; keys: string[] } {
  const lines: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i % 10 === 0) {
      lines.push(organizationLine(`o${i}`));
      keys.push(`Organization/o${i}`);
    } else {
      lines.push(patientLine(`p${i}-${seededBytes(i, 6).toString('hex')}`));
      keys.push(`Patient/p${i}-${seededBytes(i, 6).toString('hex')}`);
    }
  }
  return { lines, keys };
}

describe('hostile input: truncated and broken files', function () {
  this.timeout(20000);
  const scratch = useTempDir('migrate-hostile-', 'each');
  const cliArgs = (input: string) => [
    '--input',
    input,
    '--dry-run',
    '--report',
    path.join(scratch.path, 'report.json'),
    '--dead-letter',
    path.join(scratch.path, 'dead.ndjson'),
    '--log-level',
    'silent',
  ];

  it('an NDJSON file cut mid-record: the cut line is R1 with file and line, the rest loads, exit 3', async () => {
    const input = path.join(scratch.path, 'cut.ndjson');
    const good = [1, 2, 3, 4, 5].map((i) => patientLine(`p${i}`));
    writeFileSync(input, `${good.join('\n')}\n${patientLine('p6').slice(0, 25)}`);
    const result = await runCli(cliArgs(input));
    assert.equal(result.code, 3);
    const dead = readDeadLetter(path.join(scratch.path, 'dead.ndjson'));
    assert.equal(dead.length, 1);
    assert.deepEqual([dead[0]?.source, dead[0]?.line, dead[0]?.reason], [input, 6, 'R1']);
    assert.match(dead[0]?.outcome.issue[0]?.diagnostics ?? '', /cut\.ndjson:6 is not valid JSON/);
    const report = JSON.parse(readFileSync(path.join(scratch.path, 'report.json'), 'utf8')) as {
      records: { accepted: number; rejected: number };
    };
    assert.deepEqual([report.records.accepted, report.records.rejected], [5, 1]);
  });

  it('a gzip file cut in the middle: INPUT_READ_FAILED naming file and last line, exit 1', async () => {
    const input = path.join(scratch.path, 'cut.ndjson.gz');
    const gz = gzipSync(`${mixedLines(3000).lines.join('\n')}\n`);
    writeFileSync(input, gz.subarray(0, gz.length >> 1));
    const result = await runCli(cliArgs(input));
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /INPUT_READ_FAILED: reading .*cut\.ndjson\.gz failed after line \d+, the last complete line: unexpected end of file \(the gzip data is truncated or corrupt\)/,
    );
    const report = JSON.parse(readFileSync(path.join(scratch.path, 'report.json'), 'utf8')) as {
      status: string;
      records: { accepted: number };
    };
    const lastLine = Number(/after line (\d+)/.exec(result.stderr)?.[1]);
    assert.equal(report.status, 'failed');
    assert.ok(lastLine > 100 && lastLine < 3000, `last line ${lastLine}`);
    assert.equal(report.records.accepted, lastLine);
  });

  it('a cut gzip with a ledger: what was committed is checkpointed; the completed file resumes, each record loaded once', async () => {
    const input = path.join(scratch.path, 'export.ndjson.gz');
    const { lines, keys } = mixedLines(3000);
    const whole = gzipSync(`${lines.join('\n')}\n`);
    writeFileSync(input, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const ledger = new InMemoryLedger();
    const first = await migrateFiles({ dir: scratch.path, inputs: [input], ledger });
    assert.equal(first.status, 'failed');
    assert.equal(first.error?.code, 'INPUT_READ_FAILED');
    const checkpoint = new CheckpointStore(path.join(scratch.path, 'checkpoint.json')).read();
    assert.equal(checkpoint.stoppedOnInput, input);
    assert.equal(checkpoint.finished, false);
    assert.ok(checkpoint.watermark > 0, 'the records before the cut were committed and checkpointed');
    assert.ok(ledger.records.size > 0);

    // A different file (not the cut one completed) is still refused.
    writeFileSync(input, gzipSync(`${lines.slice(1).join('\n')}\n`));
    await assert.rejects(migrateFiles({ dir: scratch.path, inputs: [input], ledger, resume: true }), {
      code: 'CHECKPOINT_MISMATCH',
    });

    writeFileSync(input, whole);
    const resumed = await migrateFiles({ dir: scratch.path, inputs: [input], ledger, resume: true });
    assert.equal(resumed.status, 'finished');
    assert.deepEqual([...ledger.records.keys()].sort(), [...keys].sort());
    const twice = [...submissionCounts(ledger)].filter(([, count]) => count !== 1);
    assert.deepEqual(twice, [], 'no record submitted twice');
    assert.equal(new CheckpointStore(path.join(scratch.path, 'checkpoint.json')).read().finished, true);
  });

  it('binary garbage between good lines: each garbage line is R1 (R6 if huge) at its line, good lines load', async () => {
    const input = path.join(scratch.path, 'garbage.ndjson');
    const parts: Buffer[] = [];
    const garbageLines: number[] = [];
    let line = 0;
    for (let i = 0; i < 40; i += 1) {
      line += 1;
      if (i % 4 !== 1) {
        parts.push(Buffer.from(`${patientLine(`g${i}`)}\n`));
        continue;
      }
      // NUL, 0xFF, a bad UTF-8 sequence and a lone CR up front; LF only as the line's end.
      const noise = Buffer.from(seededBytes(1000 + i, 300).map((byte) => (byte === 0x0a ? 0x20 : byte)));
      parts.push(Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0d]), noise, Buffer.from('\n'));
      garbageLines.push(line);
    }
    line += 1;
    parts.push(
      Buffer.from([0xfe]),
      Buffer.from(seededBytes(7, 2 << 20).map((byte) => (byte === 0x0a ? 0x41 : byte))),
      Buffer.from('\n'),
    );
    garbageLines.push(line);
    line += 1;
    parts.push(Buffer.from(`${patientLine('last')}\n`));
    writeFileSync(input, Buffer.concat(parts));

    const result = await runCli(cliArgs(input));
    assert.equal(result.code, 3);
    const dead = readDeadLetter(path.join(scratch.path, 'dead.ndjson'));
    assert.deepEqual(
      dead.map((entry) => entry.line),
      garbageLines,
    );
    assert.deepEqual(
      dead.map((entry) => entry.reason),
      [...garbageLines.slice(0, -1).map(() => 'R1'), 'R6'],
    );
    assert.ok(
      dead[0]?.text.includes('\uFFFD'),
      'invalid UTF-8 is kept as U+FFFD, so the entry is valid JSON',
    );
    assert.ok((dead.at(-1)?.text.length ?? Infinity) <= 4096);
    const report = JSON.parse(readFileSync(path.join(scratch.path, 'report.json'), 'utf8')) as {
      records: { accepted: number };
    };
    assert.equal(report.records.accepted, 40 - 10 + 1);
  });

  it('a Bundle whose entry array never closes: entries before the cut load, the error names file and offset, resume completes it', async () => {
    const input = path.join(scratch.path, 'bundle.json');
    const { lines, keys } = mixedLines(400);
    const entries = lines.map((text) => `{"fullUrl":"urn:x","resource":${text}}`);
    const whole = `{"resourceType":"Bundle","type":"collection","entry":[${entries.join(',')}]}`;
    const cutAt = whole.indexOf(entries[250] ?? '') - 1;
    writeFileSync(input, whole.slice(0, cutAt + 1)); // ends right after a ","

    const dry = await runCli(cliArgs(input));
    assert.equal(dry.code, 1);
    assert.match(
      dry.stderr,
      new RegExp(
        `INPUT_READ_FAILED: Bundle .*bundle\\.json breaks off or is malformed within its first ${cutAt + 1} bytes \\(of the file\\), after 250 complete entries: .*expected`,
      ),
    );

    const ledger = new InMemoryLedger();
    const first = await migrateFiles({ dir: scratch.path, inputs: [input], ledger });
    assert.equal(first.status, 'failed');
    // One read: the 250 entries before the break are handled; the Organizations among them are loaded, the rest
    // wait in the spool (the set-aside records are submitted only once the input is read whole).
    assert.equal(first.records.read, 250);
    assert.ok(new CheckpointStore(path.join(scratch.path, 'checkpoint.json')).read().watermark > 0);
    writeFileSync(input, whole);
    const resumed = await migrateFiles({ dir: scratch.path, inputs: [input], ledger, resume: true });
    assert.equal(resumed.status, 'finished');
    assert.deepEqual([...ledger.records.keys()].sort(), [...keys].sort());
    assert.deepEqual(
      [...submissionCounts(ledger)].filter(([, count]) => count !== 1),
      [],
    );
  });

  it('a folder without inputs, a FIFO, a missing path: INPUT_NOT_FOUND, exit 2', async () => {
    const empty = path.join(scratch.path, 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'notes.txt'), 'not an input');
    const fifo = path.join(scratch.path, 'pipe.ndjson');
    execFileSync('mkfifo', [fifo]);
    const cases: [string, RegExp][] = [
      [
        empty,
        /INPUT_NOT_FOUND: folder .*empty holds no NDJSON \(\.ndjson, \.jsonl\) or Bundle \(\.json\) files/,
      ],
      [fifo, /INPUT_NOT_FOUND: input .*pipe\.ndjson is a FIFO \(named pipe\), not a regular file/],
      [path.join(scratch.path, 'nope.ndjson'), /INPUT_NOT_FOUND: input .*nope\.ndjson does not exist/],
    ];
    for (const [input, message] of cases) {
      const result = await runCli(cliArgs(input));
      assert.equal(result.code, 2, input);
      assert.match(result.stderr, message);
    }
  });

  it('an unreadable file: INPUT_NOT_FOUND, exit 2', async function () {
    const input = path.join(scratch.path, 'secret.ndjson');
    writeFileSync(input, `${patientLine('p1')}\n`);
    chmodSync(input, 0o000);
    if (process.getuid?.() !== 0) {
      const result = await runCli(cliArgs(input));
      assert.equal(result.code, 2);
      assert.match(result.stderr, /INPUT_NOT_FOUND: input .*secret\.ndjson cannot be read: .*EACCES/);
      return;
    }
    // root reads a mode-000 file anyway, so the CLI runs as the unprivileged user `nobody` instead.
    chmodSync(scratch.path, 0o777);
    const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
    const asNobody = { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 15000 } as const;
    // A checkout under a private folder (e.g. /root) is closed to `nobody`: then this case cannot be run here.
    const reach = spawnSync(
      process.execPath,
      ['-e', `require('fs').accessSync(${JSON.stringify(cli)})`],
      asNobody,
    );
    if (reach.status !== 0) this.skip();
    const child = spawnSync(process.execPath, [cli, 'migrate', ...cliArgs(input)], {
      ...asNobody,
      cwd: scratch.path,
    });
    assert.equal(child.status, 2, child.stderr);
    assert.match(child.stderr, /INPUT_NOT_FOUND: input .*secret\.ndjson cannot be read: .*EACCES/);
  });
});
