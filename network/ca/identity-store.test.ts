import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityStore } from './identity-store.js';

const fields = (id: string) => ({ id, type: 'client', affiliation: '', attributes: [], maxEnrollments: -1 });

describe('network/ca identity store (journal)', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'fhirledger-ca-store-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('keeps every acknowledged change across a reopen, many saves at once included, compacted to a line each', async () => {
    const store = await IdentityStore.open(home);
    await Promise.all(Array.from({ length: 50 }, (_, n) => store.insert(fields(`user${n}`), `secret${n}`)));
    const user7 = store.get('user7');
    assert.ok(user7);
    user7.enrollments = 3;
    await store.save(user7);
    await store.close();
    const lines = (await readFile(join(home, 'identities.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 51);

    const reopened = await IdentityStore.open(home);
    assert.equal(reopened.size, 50);
    assert.equal(reopened.get('user7')?.enrollments, 3);
    const again = reopened.get('user49');
    assert.ok(again);
    assert.equal(reopened.checkSecret(again, 'secret49'), true);
    assert.equal(reopened.checkSecret(again, 'secret48'), false);
    await reopened.close();
    assert.equal((await readFile(join(home, 'identities.jsonl'), 'utf8')).trimEnd().split('\n').length, 50);
  });

  it('drops a last line cut short by a crash, refuses a damaged line in the middle', async () => {
    const store = await IdentityStore.open(home);
    await store.insert(fields('kept'), 'secret-kept');
    await store.close();
    await appendFile(join(home, 'identities.jsonl'), '{"id":"torn","type":"cli');
    const reopened = await IdentityStore.open(home);
    assert.equal(reopened.size, 1);
    assert.equal(reopened.get('torn'), undefined);
    await reopened.close();
    await writeFile(join(home, 'identities.jsonl'), 'not json\n{"id":"x"}\n');
    await assert.rejects(IdentityStore.open(home), /identities\.jsonl:1 is not an identity/);
  });

  it('reads the one-file-per-identity registry of an older CA, the journal winning', async () => {
    await mkdir(join(home, 'identities'));
    const legacy = {
      ...fields('old'),
      enrollments: 1,
      revoked: false,
      secretSalt: 'aa',
      secretHash: 'bb',
      certificates: [],
    };
    await writeFile(join(home, 'identities', 'b2xk.json'), JSON.stringify(legacy));
    const store = await IdentityStore.open(home);
    assert.equal(store.get('old')?.enrollments, 1);
    const old = store.get('old');
    assert.ok(old);
    old.enrollments = 2;
    await store.save(old);
    await store.close();
    const reopened = await IdentityStore.open(home);
    assert.equal(reopened.get('old')?.enrollments, 2);
    await reopened.close();
  });
});
