import assert from 'node:assert/strict';
import { findModuleRefusal, tail } from './go-install-failure.js';

describe('findModuleRefusal', () => {
  it('names the module and the proxy answer of a refused download', () => {
    const stderr =
      'go: example.org/acme/tool/cmd/x@0123abc: example.org/acme/tool/cmd/x@0123abc: invalid version: reading ' +
      'https://goproxy.example/example.org/acme/tool/cmd/x/@v/0123abc.info: 403 Forbidden\n' +
      '\tserver response: This module version is not available.\n';
    assert.deepEqual(findModuleRefusal(stderr), {
      module: 'example.org/acme/tool/cmd/x',
      answer: '403 Forbidden — "This module version is not available."',
    });
  });

  it('works without a server response line', () => {
    const stderr =
      'go: example.org/a@v1.0.0: reading https://goproxy.example/example.org/a/@v/v1.0.0.zip: 404 Not Found\n';
    assert.deepEqual(findModuleRefusal(stderr), { module: 'example.org/a', answer: '404 Not Found' });
  });

  it('returns undefined for a compile error', () => {
    assert.equal(findModuleRefusal('# example.org/a\n./a.go:3:1: syntax error\n'), undefined);
  });
});

describe('tail', () => {
  it('keeps the last lines', () => {
    assert.equal(tail('1\n2\n3\n4\n', 2), '3\n4');
  });
});
