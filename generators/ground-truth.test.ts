import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefectDetector } from './defect-detector.testkit.js';
import { DefectClass, EXPECTED_OUTCOMES, type GroundTruthEntry } from './defects/catalogue.js';
import { INJECTORS } from './defects/injectors.js';
import { getAt, parsePath, setAt } from './defects/paths.js';
import { GENERATED_TYPES, GROUND_TRUTH_FILE, writePopulation, type GeneratedResource } from './index.js';
import { generatePatientRecords } from './patient-timeline.js';
import { Rng } from './rng.js';

const MAX_BYTES = 16_384;

/** The documented migrator fix for each C-class defect, applied at the declared location. */
function applyFix(defect: DefectClass, record: Record<string, unknown>, location: string): void {
  const steps = parsePath(location);
  const value = getAt(record, steps);
  if (defect === DefectClass.NULLS_EMPTIES) {
    Reflect.deleteProperty(record, String(steps[0]));
    return;
  }
  assert.equal(typeof value, 'string', `${defect} at ${location} is not a string`);
  const text = value as string;
  const fixed: Record<string, () => unknown> = {
    whitespace: () => text.trim(),
    'code-synonym': () => ({ F: 'female', f: 'female', M: 'male', m: 'male' })[text] ?? text.toLowerCase(),
    'date-format': () => (text.includes('/') ? text.replaceAll('/', '-') : `${text.replace(' ', 'T')}Z`),
    'string-primitive': () => (text === 'true' ? true : text === 'false' ? false : Number(text)),
    unicode: () => text.replace(/(?![\t\n\r])\p{Cc}/gu, '').normalize('NFC'),
  };
  const rewrite = fixed[defect];
  assert.ok(rewrite !== undefined, `no fix for ${defect}`);
  setAt(record, steps, rewrite());
}

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

describe('generators: dirty mode ground truth', function () {
  this.timeout(60_000);
  let dirtyDir = '';
  let cleanDir = '';
  let truth: GroundTruthEntry[] = [];

  before(async () => {
    dirtyDir = await mkdtemp(path.join(os.tmpdir(), 'gen-dirty-'));
    cleanDir = await mkdtemp(path.join(os.tmpdir(), 'gen-clean-'));
    const summary = await writePopulation(dirtyDir, {
      patients: 60,
      seed: 21,
      dirtyRate: 0.4,
      maxRecordBytes: MAX_BYTES,
    });
    await writePopulation(cleanDir, { patients: 60, seed: 21, maxRecordBytes: MAX_BYTES });
    truth = (await lines(path.join(dirtyDir, GROUND_TRUTH_FILE))).map(
      (l) => JSON.parse(l) as GroundTruthEntry,
    );
    assert.equal(truth.length, summary.defects);
  });

  after(async () => {
    await rm(dirtyDir, { recursive: true, force: true });
    await rm(cleanDir, { recursive: true, force: true });
  });

  it('injects every class except the deliberately rare oversize, at about the asked rate', () => {
    const classes = new Set(truth.map((t) => t.defect));
    for (const defect of Object.values(DefectClass)) {
      if (defect !== DefectClass.OVERSIZE) assert.ok(classes.has(defect), `no ${defect} injected`);
    }
    for (const entry of truth) assert.deepEqual(entry.expected, EXPECTED_OUTCOMES[entry.defect]);
    assert.ok(truth.length > 800, `${truth.length} defects`);
  });

  it('re-derives every declared defect from the output, finds no undeclared one, and fixes restore the clean record', async () => {
    const byLine = new Map(truth.map((t) => [`${t.file}:${t.line}`, t]));
    const detector = new DefectDetector(MAX_BYTES);
    let checked = 0;
    for (const type of GENERATED_TYPES) {
      const file = `${type}.ndjson`;
      const dirty = await lines(path.join(dirtyDir, file));
      const clean = await lines(path.join(cleanDir, file));
      let next = 0;
      dirty.forEach((text, index) => {
        const where = `${file}:${index + 1}`;
        const entry = byLine.get(where);
        const found = detector.detect(text);
        if (entry === undefined) {
          assert.deepEqual(found, [], `undeclared defect at ${where}`);
          assert.equal(text, clean[next], `${where} differs from the clean run`);
          next += 1;
          return;
        }
        checked += 1;
        assert.deepEqual(found, [entry.defect], `${where}: declared ${entry.defect}`);
        const duplicate =
          entry.defect === DefectClass.EXACT_DUPLICATE || entry.defect === DefectClass.CONFLICTING_DUPLICATE;
        const original = duplicate ? clean[next - 1] : clean[next];
        if (!duplicate) next += 1;
        assert.ok(original !== undefined, `${where} has no clean counterpart`);
        const cleanRecord = JSON.parse(original) as GeneratedResource;
        assert.equal(
          `${entry.resourceType}/${entry.id}`,
          `${cleanRecord.resourceType}/${cleanRecord.id ?? ''}`,
          where,
        );
        if (duplicate)
          assert.equal(dirty[index - 1], original, `${where}: the original is not on the line before`);
        if (entry.location !== undefined && 'value' in entry) {
          assert.deepEqual(getAt(JSON.parse(text), parsePath(entry.location)), entry.value, `${where} value`);
        }
        if (entry.expected.outcome === 'accept-after-fix' && !duplicate) {
          const record = JSON.parse(text) as Record<string, unknown>;
          applyFix(entry.defect, record, entry.location ?? '');
          assert.deepEqual(record, cleanRecord, `${where}: fix does not restore the clean record`);
        }
      });
      assert.equal(next, clean.length, `${file}: clean records missing from the dirty output`);
    }
    assert.equal(checked, truth.length);
  });

  it('states the date-order alternative for ambiguous dates', () => {
    const ambiguous = truth.filter((t) => t.defect === DefectClass.AMBIGUOUS_DATE);
    assert.ok(ambiguous.length > 0);
    for (const entry of ambiguous) {
      assert.deepEqual(entry.withDateOrder, {
        order: 'MDY',
        expected: { outcome: 'accept-after-fix', fixes: ['C4'] },
      });
      assert.match(String(entry.value), /^(0[1-9]|1[0-2])\/(0[1-9]|1[0-2])\/\d{4}$/);
    }
  });

  it('builds oversize records just over the byte limit, otherwise clean', () => {
    const oversize = INJECTORS.find((i) => i.defect === DefectClass.OVERSIZE);
    assert.ok(oversize !== undefined);
    const [patient] = generatePatientRecords(
      new Rng(),
      { seed: 1, patients: 1, referenceMs: Date.parse('2025-01-01') },
      0,
    );
    const cleanText = JSON.stringify(patient);
    const draft = JSON.parse(cleanText) as GeneratedResource & Record<string, unknown>;
    const [candidate] = oversize.candidates(draft);
    assert.ok(candidate !== undefined);
    const injection = oversize.inject(draft, candidate, new Rng(), { cleanText, maxRecordBytes: MAX_BYTES });
    const bytes = Buffer.byteLength(injection.text);
    assert.ok(bytes > MAX_BYTES && bytes < MAX_BYTES + 1024, `${bytes} bytes`);
    assert.deepEqual(new DefectDetector(MAX_BYTES).detect(injection.text), [DefectClass.OVERSIZE]);
    assert.deepEqual(new DefectDetector(10 * MAX_BYTES).detect(injection.text), []);
  });
});
