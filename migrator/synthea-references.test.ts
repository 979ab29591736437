/**
 * Synthea-style exports (`fhirledger generate --reference-style synthea`): conditional references to Practitioner and
 * Organization, urn:uuid fullUrls and references inside transaction Bundles. Migrated through the real CLI in a dry
 * run, every record is accepted, and the references are kept exactly as written.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writePopulation } from '../generators/index.js';
import { runCli } from './hostile-input.testkit.js';
import { useTempDir } from '../common/temp-dir.testkit.js';

interface Report {
  records: { read: number; accepted: number; rejected: number; duplicates: number };
}

function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) references(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') out.push(child);
      else references(child, out);
    }
  }
  return out;
}

describe('Synthea-style references through the migrator (dry run)', function () {
  this.timeout(60000);
  const scratch = useTempDir('migrate-synthea-', 'all');

  async function migrate(input: string, name: string): Promise<{ report: Report; deadLetter: string }> {
    const report = path.join(scratch.path, `${name}-report.json`);
    const result = await runCli(['--input', input, '--dry-run', '--report', report, '--log-level', 'silent']);
    assert.equal(result.code, 0, `exit ${result.code}: ${result.stdout}${result.stderr}`);
    return {
      report: JSON.parse(readFileSync(report, 'utf8')) as Report,
      deadLetter: readFileSync(path.join(scratch.path, `${name}-report.dry-run.dead-letter.ndjson`), 'utf8'),
    };
  }

  it('NDJSON with conditional references: every record accepted, references unchanged', async () => {
    const data = path.join(scratch.path, 'ndjson');
    const summary = await writePopulation(data, { patients: 12, seed: 5, referenceStyle: 'synthea' });
    const encounters = readFileSync(path.join(data, 'Encounter.ndjson'), 'utf8');
    assert.match(
      encounters,
      /"reference":"Practitioner\?identifier=http:\/\/hl7\.org\/fhir\/sid\/us-npi\|\d{10}"/,
    );
    assert.match(
      encounters,
      /"reference":"Organization\?identifier=https:\/\/fhirledger\.example\/organization\|ORG-\d{6}"/,
    );
    const { report, deadLetter } = await migrate(data, 'ndjson');
    assert.equal(report.records.read, summary.totalResources);
    assert.equal(report.records.accepted, summary.totalResources);
    assert.equal(report.records.rejected, 0);
    assert.equal(deadLetter, '');
  });

  it('a transaction Bundle with urn:uuid fullUrls and references, streamed entry by entry: every entry accepted', async () => {
    const data = path.join(scratch.path, 'bundle');
    const summary = await writePopulation(data, {
      patients: 8,
      seed: 6,
      format: 'bundle',
      bundleType: 'transaction',
      referenceStyle: 'synthea',
    });
    const bundle = JSON.parse(readFileSync(path.join(data, 'Bundle.json'), 'utf8')) as {
      entry: { fullUrl: string; request: { method: string; url: string; ifNoneExist?: string } }[];
    };
    const fullUrls = new Set(bundle.entry.map((entry) => entry.fullUrl));
    assert.ok(
      [...fullUrls].every((url) =>
        /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(url),
      ),
    );
    assert.equal(fullUrls.size, bundle.entry.length, 'one urn:uuid per entry');
    const refs = references(bundle.entry);
    const urn = refs.filter((ref) => ref.startsWith('urn:uuid:'));
    assert.ok(urn.length > 0, 'references between entries use urn:uuid');
    assert.deepEqual(
      urn.filter((ref) => !fullUrls.has(ref)),
      [],
      'every urn:uuid reference names an entry',
    );
    assert.ok(
      refs.every(
        (ref) => ref.startsWith('urn:uuid:') || /^(Practitioner|Organization)\?identifier=/.test(ref),
      ),
    );
    assert.ok(
      bundle.entry.some((entry) =>
        entry.request.ifNoneExist?.startsWith('identifier=http://hl7.org/fhir/sid/us-npi|'),
      ),
    );
    const { report } = await migrate(path.join(data, 'Bundle.json'), 'bundle');
    assert.equal(report.records.read, summary.totalResources);
    assert.equal(report.records.accepted, summary.totalResources);
    assert.equal(report.records.rejected, 0);
  });

  it('one transaction Bundle per patient, each Bundle a record: accepted whole', async () => {
    const data = path.join(scratch.path, 'per-patient');
    await writePopulation(data, {
      patients: 6,
      seed: 7,
      format: 'bundle-per-patient',
      referenceStyle: 'synthea',
    });
    assert.deepEqual(readdirSync(data).sort(), ['Bundle.ndjson', 'manifest.json']);
    const { report } = await migrate(path.join(data, 'Bundle.ndjson'), 'per-patient');
    assert.ok(report.records.read > 6);
    assert.equal(report.records.accepted, report.records.read);
  });
});
