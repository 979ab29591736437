import assert from 'node:assert/strict';
import { canonicalJsonAndHash, contentHash } from '../../common/canonical-json.js';
import { testPipeline } from '../test-pipeline.testkit.js';

describe('the record pipeline hashes what the ledger hashes', () => {
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
      assert.equal(canonicalJsonAndHash(result.resource).hash, contentHash(result.resource));
    }
  });
});
