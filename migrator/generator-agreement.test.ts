/**
 * The generator's dirty output, migrated in a dry run, must end exactly as its ground truth says: every defective
 * line with the expected fix or reject code, every clean line accepted untouched.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExpectedOutcome } from '../common/migration-codes.js';
import {
  GROUND_TRUTH_FILE,
  MANIFEST_FILE,
  writePopulation,
  type GroundTruthEntry,
} from '../generators/index.js';
import { dryRunFiles } from './local-dry-run.js';
import { RecordWorkerPool } from './io/record-worker-pool.js';
import { testPipeline } from './test-pipeline.testkit.js';
import { useTempDir } from '../common/temp-dir.testkit.js';

function readNdjsonFile<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

function describeOutcome(outcome: ExpectedOutcome): string {
  if (outcome.outcome === 'accept') return 'accept';
  if (outcome.outcome === 'reject') return `reject ${outcome.reason}`;
  return `fix ${[...outcome.fixes].sort().join('+')}`;
}

describe('agreement with the generator ground truth (dry run)', function () {
  this.timeout(40000);
  const scratch = useTempDir('migrate-agreement-', 'all');

  const cases = [
    { dateOrder: undefined, workers: 0, referenceStyle: 'relative' },
    { dateOrder: 'mdy', workers: 0, referenceStyle: 'relative' },
    // The same run spread over worker threads must agree just as fully.
    { dateOrder: undefined, workers: 2, referenceStyle: 'relative' },
    // Synthea's conditional references are good records: only the catalogued defects are refused.
    { dateOrder: undefined, workers: 0, referenceStyle: 'synthea' },
  ] as const;
  for (const { dateOrder, workers, referenceStyle } of cases) {
    const name = `${dateOrder ?? 'none'}-${workers}-${referenceStyle}`;
    it(`reaches the expected outcome on 100 % of generated lines (date order ${dateOrder ?? 'unset'}, ${workers} workers, ${referenceStyle} references)`, async () => {
      const data = path.join(scratch.path, `data-${name}`);
      await writePopulation(data, {
        patients: 40,
        seed: dateOrder === undefined ? 7 : 11,
        dirtyRate: 0.3,
        format: 'ndjson',
        referenceStyle,
      });
      const manifest = JSON.parse(readFileSync(path.join(data, MANIFEST_FILE), 'utf8')) as {
        output: { url: string }[];
      };
      const files = manifest.output.map((file) => path.join(data, file.url));
      assert.ok(files.length > 5, 'the generator wrote its resource files');
      const deadLetter = path.join(scratch.path, `dead-letter-${name}.ndjson`);
      const fixLog = path.join(scratch.path, `fixes-${name}.ndjson`);
      const pipeline = testPipeline({ dateOrder });
      const processor = workers === 0 ? undefined : new RecordWorkerPool(workers, { ...pipeline.options });
      const report = await dryRunFiles({
        files,
        pipeline,
        ...(processor === undefined ? {} : { processor }),
        deadLetterFile: deadLetter,
        fixLogFile: fixLog,
      }).finally(() => processor?.close());
      const actual = new Map<string, string>();
      for (const entry of readNdjsonFile<{ source: string; line: number; reason: string }>(deadLetter)) {
        actual.set(`${path.basename(entry.source)}:${entry.line}`, `reject ${entry.reason}`);
      }
      for (const entry of readNdjsonFile<{ source: string; line: number; fixes: { code: string }[] }>(
        fixLog,
      )) {
        const codes = [...new Set(entry.fixes.map((fix) => fix.code))].sort();
        actual.set(`${path.basename(entry.source)}:${entry.line}`, `fix ${codes.join('+')}`);
      }
      const truth = readNdjsonFile<GroundTruthEntry>(path.join(data, GROUND_TRUTH_FILE));
      const disagreements: string[] = [];
      const expectedKeys = new Set<string>();
      for (const entry of truth) {
        const key = `${entry.file}:${entry.line}`;
        expectedKeys.add(key);
        const expected =
          dateOrder === 'mdy' && entry.withDateOrder !== undefined
            ? entry.withDateOrder.expected
            : entry.expected;
        const got = actual.get(key) ?? 'accept';
        if (got !== describeOutcome(expected)) {
          disagreements.push(
            `${key} ${entry.defect}/${entry.variant}: expected ${describeOutcome(expected)}, got ${got}`,
          );
        }
      }
      for (const [key, got] of actual) {
        if (!expectedKeys.has(key)) disagreements.push(`${key} is clean in the ground truth, got ${got}`);
      }
      assert.deepEqual(disagreements.slice(0, 20), []);
      assert.ok(truth.length > 100, `${truth.length} defects checked`);
      assert.equal(
        report.records.read,
        report.records.accepted + report.records.duplicates + report.records.rejected,
      );
    });
  }
});
