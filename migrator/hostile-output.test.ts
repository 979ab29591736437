import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointStore } from './io/checkpoint.js';
import { InMemoryLedger } from './in-memory-ledger.fake.js';
import { migrateFiles, patientLine, readDeadLetter, runCli } from './hostile-input.testkit.js';

// /dev/full accepts open() and fails every write with ENOSPC: a full disk on demand.
const FULL = '/dev/full';

describe('hostile output: a full disk', function () {
  this.timeout(20000);
  let dir: string;
  let input: string;
  const goodKeys: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-full-'));
    input = path.join(dir, 'in.ndjson');
    const lines: string[] = [];
    goodKeys.length = 0;
    // Organizations first: a live run loads them as it reads, so there are checkpoints before the bad line.
    for (let i = 0; i < 40; i += 1) {
      lines.push(JSON.stringify({ resourceType: 'Organization', id: `o${i}`, name: `Org ${i}` }));
      goodKeys.push(`Organization/o${i}`);
    }
    for (let i = 40; i < 1000; i += 1) {
      if (i === 599) {
        lines.push('{"resourceType":"Patient","id":"cut"');
        continue;
      }
      lines.push(patientLine(`p${i}`));
      goodKeys.push(`Patient/p${i}`);
    }
    writeFileSync(input, `${lines.join('\n')}\n`);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('dead letter on a full disk: the run stops naming the file and ENOSPC, the checkpoint stays before the lost reject, a resume elsewhere completes', async function () {
    if (!existsSync(FULL)) this.skip(); // Linux only
    const ledger = new InMemoryLedger();
    const first = await migrateFiles({ dir, inputs: [input], ledger, deadLetter: FULL });
    assert.equal(first.status, 'failed');
    assert.equal(first.error?.code, 'OUTPUT_WRITE_FAILED');
    assert.match(
      first.error.message,
      /^cannot write dead letter \/dev\/full: ENOSPC: no space left on device/,
    );
    const checkpoint = new CheckpointStore(path.join(dir, 'checkpoint.json')).read();
    // The bad line is the 600th record read.
    assert.ok(checkpoint.watermark >= 20, 'batches before the reject were checkpointed');
    assert.ok(checkpoint.watermark < 600, `watermark ${checkpoint.watermark} is before the lost reject`);
    assert.equal(checkpoint.deadLetter.bytes, 0);
    assert.equal(checkpoint.finished, false);

    const deadLetter = path.join(dir, 'dead.ndjson');
    const resumed = await migrateFiles({ dir, inputs: [input], ledger, resume: true, deadLetter });
    assert.equal(resumed.status, 'finished');
    assert.deepEqual([...ledger.records.keys()].sort(), [...goodKeys].sort());
    assert.deepEqual(
      readDeadLetter(deadLetter).map((entry) => [entry.line, entry.reason]),
      [[600, 'R1']],
    );
  });

  it('--dead-letter /dev/full in a dry run: OUTPUT_WRITE_FAILED, exit 1', async function () {
    if (!existsSync(FULL)) this.skip(); // Linux only
    const result = await runCli([
      ...['--input', input, '--dry-run', '--report', path.join(dir, 'report.json')],
      ...['--dead-letter', FULL, '--log-level', 'silent'],
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /OUTPUT_WRITE_FAILED: cannot write dead letter \/dev\/full: ENOSPC/);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as { status: string };
    assert.equal(report.status, 'failed');
  });

  it('--report /dev/full: the summary is printed, OUTPUT_WRITE_FAILED names the report, exit 1, the dead letter is intact', async function () {
    if (!existsSync(FULL)) this.skip(); // Linux only
    const deadLetter = path.join(dir, 'dead.ndjson');
    const result = await runCli([
      ...['--input', input, '--dry-run', '--report', FULL],
      ...['--dead-letter', deadLetter, '--checkpoint', path.join(dir, 'cp.json'), '--log-level', 'silent'],
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /migration finished/);
    assert.match(result.stderr, /OUTPUT_WRITE_FAILED: cannot write report \/dev\/full: ENOSPC/);
    assert.deepEqual(
      readDeadLetter(deadLetter).map((entry) => [entry.line, entry.reason]),
      [[600, 'R1']],
    );
  });
});
