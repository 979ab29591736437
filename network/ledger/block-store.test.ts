import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlockStore } from './block-store.js';

describe('FileBlockStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'block-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const block = (n: number, size = 100): Uint8Array => {
    const bytes = randomBytes(size);
    bytes.writeUInt32BE(n, 0);
    return bytes;
  };

  it('appends, reads back and reopens at the same height with the same bytes', async () => {
    const written: Uint8Array[] = [];
    const { store } = await FileBlockStore.open(dir);
    for (let n = 0; n < 20; n++) {
      written.push(block(n, 50 + n));
      await store.append(n, written[n] ?? new Uint8Array());
    }
    assert.equal(store.height(), 20);
    assert.deepEqual(await store.get(3), written[3]);
    assert.equal(await store.get(20), undefined);
    await store.close();

    const reopened = await FileBlockStore.open(dir);
    assert.equal(reopened.truncatedBytes, 0);
    assert.equal(reopened.store.height(), 20);
    for (let n = 0; n < 20; n++)
      assert.deepEqual(Buffer.from((await reopened.store.get(n)) ?? []), Buffer.from(written[n] ?? []));
    await reopened.store.append(20, block(20));
    assert.equal(reopened.store.height(), 21);
    await reopened.store.close();
  });

  it('refuses a block whose number is not the height, and keeps going afterwards', async () => {
    const { store } = await FileBlockStore.open(dir);
    await store.append(0, block(0));
    await assert.rejects(store.append(2, block(2)), { code: 'OUT_OF_ORDER' });
    await store.append(1, block(1));
    assert.equal(store.height(), 2);
    await store.close();
  });

  it('orders concurrent appends in call order', async () => {
    const { store } = await FileBlockStore.open(dir);
    await Promise.all([0, 1, 2, 3].map((n) => store.append(n, block(n))));
    for (let n = 0; n < 4; n++) assert.equal(Buffer.from((await store.get(n)) ?? []).readUInt32BE(0), n);
    await store.close();
  });

  for (const [name, tear] of [
    ['a partial frame header', (file: string) => appendFile(file, Buffer.from([0, 0, 1]))],
    [
      'a frame whose payload was cut short',
      (file: string) =>
        appendFile(file, Buffer.concat([Buffer.from([0, 0, 0, 200, 1, 2, 3, 4]), randomBytes(50)])),
    ],
    [
      'a whole frame with a bad checksum',
      (file: string) =>
        appendFile(file, Buffer.concat([Buffer.from([0, 0, 0, 4, 9, 9, 9, 9]), Buffer.from('junk')])),
    ],
  ] as const) {
    it(`cuts a torn tail back to the last whole block: ${name}`, async () => {
      const { store } = await FileBlockStore.open(dir);
      const written = [block(0), block(1), block(2)];
      for (const [n, bytes] of written.entries()) await store.append(n, bytes);
      await store.close();
      const file = join(dir, 'blocks.dat');
      const cleanSize = (await stat(file)).size;
      await tear(file);

      const reopened = await FileBlockStore.open(dir);
      assert.equal(reopened.store.height(), 3);
      assert.ok(reopened.truncatedBytes > 0);
      assert.equal((await stat(file)).size, cleanSize);
      assert.deepEqual(Buffer.from((await reopened.store.get(2)) ?? []), Buffer.from(written[2] ?? []));
      await reopened.store.append(3, block(3));
      await reopened.store.close();
      const again = await FileBlockStore.open(dir);
      assert.equal(again.store.height(), 4);
      assert.equal(again.truncatedBytes, 0);
      await again.store.close();
    });
  }

  it('drops a last block whose bytes were damaged (crash between write and sync)', async () => {
    const { store } = await FileBlockStore.open(dir);
    await store.append(0, block(0));
    await store.append(1, block(1, 1000));
    await store.close();
    const file = join(dir, 'blocks.dat');
    const size = (await stat(file)).size;
    await truncate(file, size - 10);
    await appendFile(file, Buffer.alloc(10)); // same length, zeroed end: only the CRC can tell
    const reopened = await FileBlockStore.open(dir);
    assert.equal(reopened.store.height(), 1);
    await reopened.store.close();
  });

  it('sustains thousands of small blocks and several-MB blocks', async function () {
    this.timeout(60_000);
    const { store } = await FileBlockStore.open(dir);
    const started = performance.now();
    const count = 2000;
    for (let n = 0; n < count; n++) await store.append(n, block(n, 300));
    const smallMs = performance.now() - started;
    const big = block(count, 8 * 1024 * 1024);
    const bigStarted = performance.now();
    await store.append(count, big);
    await store.append(count + 1, block(count + 1, 5 * 1024 * 1024));
    const bigMs = performance.now() - bigStarted;
    await store.close();
    const openStarted = performance.now();
    const reopened = await FileBlockStore.open(dir);
    const openMs = performance.now() - openStarted;
    assert.equal(reopened.store.height(), count + 2);
    assert.deepEqual(Buffer.from((await reopened.store.get(count)) ?? []), Buffer.from(big));
    assert.equal(Buffer.from((await reopened.store.get(1234)) ?? []).readUInt32BE(0), 1234);
    await reopened.store.close();
    console.log(
      `      ${count} fsync'd 300 B appends in ${smallMs.toFixed(0)} ms (${((count / smallMs) * 1000).toFixed(0)}/s); 8 MB + 5 MB in ${bigMs.toFixed(0)} ms; reopen ${openMs.toFixed(0)} ms`,
    );
  });
});
