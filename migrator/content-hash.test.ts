import assert from 'node:assert/strict';
import { canonicalJson, contentHash } from '../common/canonical-json.js';
import { canonicalText, fastContentHash, sortedContentHash } from './content-hash.js';
import { testPipeline } from './test-pipeline.testkit.js';

describe('fastContentHash', () => {
  const records = [
    {
      resourceType: 'Patient',
      id: 'p1',
      name: [{ given: ['Ann', 'B'], family: 'Ö"\\' }],
      active: true,
      x: null,
    },
    {
      resourceType: 'Observation',
      id: 'o1',
      meta: { versionId: '3', lastUpdated: '2024-01-01T00:00:00Z', tag: [] },
      valueQuantity: { value: 1.5e-7 },
    },
    {
      resourceType: 'Basic',
      id: 'b',
      meta: { versionId: '1' },
      extension: [{ url: 'u', valueInteger: -0 }],
      z: undefined,
    },
  ];

  it('serialises exactly like canonicalJson', () => {
    for (const record of records) assert.equal(canonicalText(record), canonicalJson(record));
  });

  it('hashes exactly like contentHash', () => {
    for (const record of records) assert.equal(fastContentHash(record), contentHash(record));
  });

  it('matches contentHash for records the cleaning walk has key-sorted', () => {
    const pipeline = testPipeline();
    const texts = [
      '{"resourceType":"Patient","id":"p1","name":[{"given":["Ann"],"family":" Smith"}],"gender":"F","active":"true"}',
      '{"resourceType":"Observation","status":"final","id":"o1","meta":{"versionId":"2","profile":["http://x"]},"code":{"text":"x","coding":[{"system":"http://loinc.org","code":"8867-4"}]}}',
    ];
    for (const text of texts) {
      const result = pipeline.processText(text, { source: 't', line: 1 });
      assert.equal(result.kind, 'accepted');
      assert.equal(result.hash, contentHash(result.resource));
      assert.equal(sortedContentHash(result.resource), contentHash(result.resource));
    }
  });
});
