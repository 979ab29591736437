import assert from 'node:assert/strict';
import path from 'node:path';
import { portablePath } from './run-folder.js';

describe('run.json paths', () => {
  it('keeps a path inside the working folder relative, and only the last two parts of one outside it', () => {
    assert.equal(
      portablePath(path.join(process.cwd(), '.fhirledger', 'paper', 'p.json')),
      '.fhirledger/paper/p.json',
    );
    assert.equal(
      portablePath('/some/machine/home/devnet/gateway/credentials.json'),
      '…/gateway/credentials.json',
    );
  });
});
