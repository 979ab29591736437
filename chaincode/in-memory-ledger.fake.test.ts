import assert from 'node:assert/strict';
import { InMemoryLedger } from './in-memory-ledger.fake.js';

const someone = { attributes: {} };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);

describe('InMemoryLedger (test fake) keeps Fabric semantics', () => {
  it('does not let a transaction read its own writes; writes apply at commit', async () => {
    const ledger = new InMemoryLedger();
    const seen = await ledger.submit(someone, async ({ stub }) => {
      await stub.putState('k', bytes('v'));
      return (await stub.getState('k')).length;
    });
    assert.equal(seen, 0);
    assert.equal(text(ledger.committed('k') ?? new Uint8Array()), 'v');
  });

  it('commits nothing for a failed transaction and treats an empty value as a delete', async () => {
    const ledger = new InMemoryLedger();
    await ledger.submit(someone, ({ stub }) => stub.putState('k', bytes('v')));
    await assert.rejects(
      ledger.submit(someone, async ({ stub }) => {
        await stub.putState('other', bytes('x'));
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(ledger.keys(), ['k']);
    await ledger.submit(someone, ({ stub }) => stub.putState('k', new Uint8Array()));
    assert.deepEqual(ledger.keys(), []);
    assert.deepEqual(
      ledger.historyOf('k').map((m) => m.isDelete),
      [false, true],
    );
  });

  it('refuses writes after a paginated query, and fails a transaction that leaves an iterator open', async () => {
    const ledger = new InMemoryLedger();
    await assert.rejects(
      ledger.submit(someone, async ({ stub }) => {
        await stub.getStateByRangeWithPagination('a', 'z', 10);
        await stub.putState('k', bytes('v'));
      }),
      /paginated query; writes are not allowed/,
    );
    await assert.rejects(
      ledger.evaluate(someone, ({ stub }) => stub.getHistoryForKey('k')),
      /open iterator/,
    );
  });
});
