import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tarBytes, TarWriterError } from './tar-writer.js';

describe('tar writer', () => {
  it('writes an archive the system tar lists with the right sizes', () => {
    const archive = tarBytes([
      { name: 'a.txt', content: Buffer.from('hello') },
      { name: 'dir/b.bin', content: Buffer.alloc(513, 7) },
    ]);
    assert.equal(archive.length % 512, 0);
    const list = spawnSync('tar', ['-tvf', '-'], { input: archive, encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    const rows = list.stdout.trim().split('\n');
    assert.match(rows[0] ?? '', /^-rw-r--r-- .* 5 .* a\.txt$/);
    assert.match(rows[1] ?? '', /^-rw-r--r-- .* 513 .* dir\/b\.bin$/);
  });

  it('refuses names that escape the archive or do not fit the header', () => {
    for (const name of ['../x', '', 'a'.repeat(100), 'sp ace']) {
      assert.throws(
        () => tarBytes([{ name, content: Buffer.alloc(0) }]),
        { name: TarWriterError.name, code: 'TAR_BAD_ENTRY' },
        name,
      );
    }
  });
});
