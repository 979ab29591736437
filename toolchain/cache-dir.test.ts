import assert from 'node:assert/strict';
import path from 'node:path';
import { fhirledgerHome } from './cache-dir.js';

describe('fhirledgerHome', () => {
  it('prefers FHIRLEDGER_HOME', () => {
    assert.equal(
      fhirledgerHome({ FHIRLEDGER_HOME: '/opt/fl', XDG_CACHE_HOME: '/c' }),
      path.resolve('/opt/fl'),
    );
  });
  it('falls back to XDG_CACHE_HOME/fhirledger', () => {
    assert.equal(fhirledgerHome({ XDG_CACHE_HOME: '/c' }), path.join('/c', 'fhirledger'));
  });
});
