import assert from 'node:assert/strict';
import { PipelineWorkerError } from '../errors.js';
import { FhirTypeIndex, loadFhirSchema } from '../core/fhir-types.js';
import { RecordPipeline, type PipelineOptions } from '../core/record-pipeline.js';
import { InThreadProcessor, type RecordInput } from '../core/record-processor.js';
import { RecordWorkerPool } from './record-worker-pool.js';
import { loadSchemaValidators } from './schema-validator.js';

const options: PipelineOptions = {
  maxRecordBytes: 4096,
  assignIds: false,
  dateOrder: undefined,
  defaultZone: 'Z',
};

/** Accepted, cleaned (C1, C3, C4), and each rejection class the pipeline decides alone. */
const texts = [
  '{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-02-01"}',
  '{"resourceType":"Patient","id":"p2","gender":" F ","birthDate":"1980/02/01","name":[{"family":"Roe "}]}',
  '{"resourceType":"Patient","id":"p3",',
  '{"resourceType":"Nonsense","id":"x"}',
  '{"resourceType":"Patient","id":"bad id!"}',
  '{"resourceType":"Patient","id":"p4","birthDate":"2021-02-29"}',
  '{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/"}}',
  `{"resourceType":"Patient","id":"p5","name":[{"text":"${'x'.repeat(5000)}"}]}`,
  '{"resourceType":"Patient","id":"p6","colour":"blue"}',
];
const records: RecordInput[] = texts.map((text, index) => ({
  text,
  location: { source: 'in.ndjson', line: index + 1 },
}));

describe('RecordWorkerPool', function () {
  this.timeout(30_000);

  it('gives exactly the results of the in-thread pipeline, in input order, across chunks and workers', async () => {
    const inThread = new InThreadProcessor(
      new RecordPipeline(new FhirTypeIndex(loadFhirSchema()), loadSchemaValidators(), options),
    );
    const expected = await inThread.process(records);
    assert.deepEqual(
      expected.map((result) => result.kind),
      [
        'accepted',
        'accepted',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
      ],
    );
    const pool = new RecordWorkerPool(2, options);
    try {
      // Several chunks at once, so both workers answer and the answers are matched back to their chunks.
      const chunks = [records.slice(0, 3), records.slice(3, 6), records.slice(6), records];
      const answers = await Promise.all(chunks.map((chunk) => pool.process(chunk)));
      assert.deepEqual(answers.slice(0, 3).flat(), expected);
      assert.deepEqual(answers[3], expected);
    } finally {
      await pool.close();
    }
  });

  it('fails a chunk the worker could not process, and every call after a worker dies', async () => {
    const pool = new RecordWorkerPool(1, options, new URL('./record-worker-crash.fake.js', import.meta.url));
    try {
      await assert.rejects(pool.process(records), (error: unknown) => {
        assert.ok(error instanceof PipelineWorkerError);
        assert.equal(error.code, 'PIPELINE_WORKER_FAILED');
        assert.match(error.message, /record worker 0 failed on a chunk: Error: thrown inside the pipeline/);
        return true;
      });
      await assert.rejects(pool.process(records), /record worker 0 crashed: worker died/);
      await assert.rejects(pool.process(records), /record worker 0 crashed/);
    } finally {
      await pool.close();
    }
  });

  it('refuses a worker count below one', () => {
    assert.throws(() => new RecordWorkerPool(0, options), RangeError);
  });
});
