import assert from 'node:assert/strict';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { migrateFiles, patientLine, readDeadLetter } from './hostile-input.testkit.js';
import { useTempDir } from '../common/temp-dir.testkit.js';

const FIFTY_MB = 50 * 1024 * 1024;

/** Writes `before`, then a line of `FIFTY_MB` bytes in 1 MiB pieces (never one 50 MB string), then `after`. */
function writeWithHugeLine(file: string, before: string, hugeHead: string, after: string): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, before);
    writeSync(fd, hugeHead);
    const piece = Buffer.alloc(1 << 20, 'A');
    for (let left = FIFTY_MB - hugeHead.length; left > 0; left -= piece.length) {
      writeSync(fd, piece, 0, Math.min(piece.length, left));
    }
    writeSync(fd, after);
  } finally {
    closeSync(fd);
  }
}

describe('hostile input: a 50 MB line', function () {
  this.timeout(30000);
  const scratch = useTempDir('migrate-huge-', 'all');

  it('is R6 with file and line, the dead letter keeps 4 KiB of it, memory stays flat, the rest loads', async () => {
    const withNewline = path.join(scratch.path, 'a.ndjson');
    writeWithHugeLine(
      withNewline,
      `${patientLine('a1')}\n${patientLine('a2')}\n`,
      '{"resourceType":"Patient","id":"huge","text":{"status":"generated","div":"',
      `"}}\n${patientLine('a3')}\n`,
    );
    // Garbage without any newline at the end of the file: the last line is the huge one.
    const atEnd = path.join(scratch.path, 'b.ndjson');
    writeWithHugeLine(atEnd, `${patientLine('b1')}\n`, 'garbage', '');
    assert.ok(statSync(atEnd).size > FIFTY_MB);

    const rssBefore = process.memoryUsage.rss();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    }, 10);
    let report;
    try {
      report = await migrateFiles({ dir: scratch.path, inputs: [withNewline, atEnd], ledger: undefined });
    } finally {
      clearInterval(sampler);
    }
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    const growthMiB = (rssPeak - rssBefore) / (1 << 20);
    assert.ok(growthMiB < 400, `RSS grew ${growthMiB.toFixed(0)} MiB`);

    assert.equal(report.status, 'finished');
    assert.deepEqual([report.records.accepted, report.records.rejected], [4, 2]);
    const dead = readDeadLetter(path.join(scratch.path, 'dead-letter.ndjson'));
    assert.deepEqual(
      dead.map((entry) => [entry.source, entry.line, entry.reason, entry.textTruncated]),
      [
        [withNewline, 3, 'R6', true],
        [atEnd, 2, 'R6', true],
      ],
    );
    for (const entry of dead) {
      assert.ok(entry.text.length <= 4096, `text of ${entry.text.length} characters`);
      assert.match(
        entry.outcome.issue[0]?.diagnostics ?? '',
        /:\d is \d{8} bytes, over --max-record-bytes 1048576/,
      );
    }
    assert.ok(dead[0]?.text.startsWith('{"resourceType":"Patient","id":"huge"'));
    assert.ok(statSync(path.join(scratch.path, 'dead-letter.ndjson')).size < 64 * 1024);
  });
});
