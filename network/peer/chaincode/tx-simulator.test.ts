/** TxSimulator on its own: what an ended simulation does with a request still in flight (timeout, broken stream). */
import assert from 'node:assert/strict';
import { MemoryState } from './memory-state.fake.js';
import { onlyNamespace } from './rwset-decode.testkit.js';
import { SimulationError } from './simulation-error.js';
import { TxSimulator } from './tx-simulator.js';

describe('TxSimulator', () => {
  function filled(): MemoryState {
    const state = new MemoryState();
    for (let i = 0; i < 150; i++)
      state.put('cc', `k${String(i).padStart(3, '0')}`, 'v', { blockNum: 1, txNum: i });
    return state;
  }

  it('releases an iterator left open by the chaincode when the simulation ends, and records its range', async () => {
    const state = filled();
    const simulator = new TxSimulator('tx', 'cc', state);
    const first = await simulator.rangeQuery('k', 'l');
    assert.equal(first.getHasMore(), true);
    assert.equal(state.openIterators, 1);
    const [range] = onlyNamespace(await simulator.finish()).ranges;
    assert.equal(state.openIterators, 0);
    // The first batch of 100 plus the buffered 101st row were scanned; the scan never reached its end.
    assert.equal(range?.startKey, 'k');
    assert.equal(range.endKey, 'k100');
    assert.equal(range.itrExhausted, false);
    assert.equal(range.rawReads?.length, 101);
  });

  it('refuses, and releases, an iterator opened after the simulation was abandoned', async () => {
    const state = filled();
    const simulator = new TxSimulator('tx', 'cc', state);
    await simulator.abandon();
    await assert.rejects(simulator.rangeQuery('k', 'l'), (error: unknown) => {
      assert.ok(error instanceof SimulationError);
      assert.equal(error.code, 'NO_LEDGER_CONTEXT');
      assert.equal(error.message, 'this instance should not be used after calling Done()');
      return true;
    });
    await assert.rejects(simulator.historyQuery('k000'), { code: 'NO_LEDGER_CONTEXT' });
    assert.equal(state.openIterators, 0);
  });

  it('answers QUERY_STATE_NEXT for an exhausted or unknown iterator with "query iterator not found"', async () => {
    const simulator = new TxSimulator('tx', 'cc', filled());
    const only = await simulator.rangeQuery('k000', 'k005');
    assert.equal(only.getHasMore(), false);
    await assert.rejects(simulator.queryNext(only.getId()), {
      code: 'ITERATOR_NOT_FOUND',
      message: 'query iterator not found',
    });
  });

  it('marks the transaction paginated even when the paginated request is refused afterwards (Fabric order)', () => {
    const simulator = new TxSimulator('tx', 'cc', filled());
    simulator.beginPaginatedQuery();
    assert.throws(
      () => {
        simulator.putState('k', new Uint8Array([1]));
      },
      {
        code: 'WRITE_AFTER_PAGINATED_QUERY',
      },
    );
  });
});
