import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import {
  BundleSyntaxError,
  MAX_ENVELOPE_BYTES,
  splitBundle,
  type BundleEnvelope,
  type SplitResource,
} from './bundle-splitter.js';
import { OVERSIZE_HEAD_BYTES } from './record-bytes.js';

/** The Bundle's bytes in chunks of `size`, so every boundary case (inside a string, an escape, a key) comes up. */
function chunked(text: string | Buffer, size: number): AsyncIterable<Buffer> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks) as AsyncIterable<Buffer>;
}

async function split(
  text: string | Buffer,
  size = 1 << 20,
  max = 1 << 20,
  envelope?: BundleEnvelope,
): Promise<SplitResource[]> {
  const out: SplitResource[] = [];
  for await (const resource of splitBundle(chunked(text, size), max, envelope)) out.push(resource);
  return out;
}

// Strings that look like structure, escapes, non-ASCII and a nested "entry"/"resource" inside a resource.
const tricky = {
  resourceType: 'Patient',
  id: 'p1',
  name: [{ text: 'O\'Brien "}]," \\ \u00e9\u4e2d\ud83d\ude00' }],
  extension: [{ url: 'http://x/entry', valueString: '{"entry":[{"resource":1}]}' }],
  contained: [{ resourceType: 'Basic', id: 'entry', code: { text: 'resource' } }],
};

describe('splitBundle', () => {
  it('yields each entry resource as written, at every chunk size, pretty-printed or not', async () => {
    const bundle = {
      resourceType: 'Bundle',
      meta: { tag: [{ code: 'before' }] },
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:1', resource: tricky },
        { resource: { resourceType: 'Patient', id: 'p2' }, search: { mode: 'match' } },
        { fullUrl: 'urn:uuid:3' },
        { request: { method: 'PUT', url: 'Patient/p4' }, resource: { resourceType: 'Patient', id: 'p4' } },
      ],
      signature: { data: 'after' },
    };
    for (const text of [JSON.stringify(bundle), JSON.stringify(bundle, null, 2)]) {
      for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
        const resources = await split(text, size);
        assert.deepEqual(
          resources.map((resource) => resource.entry),
          [0, 1, 2],
          `chunk size ${size}`,
        );
        assert.deepEqual(
          resources.map((resource) => JSON.parse(resource.text) as unknown),
          [tricky, { resourceType: 'Patient', id: 'p2' }, { resourceType: 'Patient', id: 'p4' }],
          `chunk size ${size}`,
        );
      }
    }
    // Raw text, not a re-serialisation: the indentation inside the resource is kept, the space after it is not.
    const pretty = await split('{"entry":[{"resource": {\n  "id": "a"\n}\n, "x":1}]}');
    assert.equal(pretty[0]?.text, '{\n  "id": "a"\n}');
  });

  it('hands over a resource that is not an object as written (the pipeline rejects it)', async () => {
    const resources = await split(
      '{"entry":[{"resource":null},{"resource":"text"},{"resource":[1,{"a":2}]}]}',
    );
    assert.deepEqual(
      resources.map((resource) => resource.text),
      ['null', '"text"', '[1,{"a":2}]'],
    );
  });

  it('picks only entry[].resource of the root: not "entry" keys elsewhere, escaped keys decoded', async () => {
    const text =
      '\ufeff{"contained":{"entry":[{"resource":{"id":"no"}}]},"entr\\u0079":[{"resourc\\u0065":{"id":"yes"}}]}';
    const resources = await split(text, 5);
    assert.deepEqual(
      resources.map((resource) => resource.text),
      ['{"id":"yes"}'],
    );
  });

  it('keeps only the head of a resource over the limit, with its full length', async () => {
    const big = JSON.stringify({ resourceType: 'Binary', id: 'b', data: 'A'.repeat(20_000) });
    const text = `{"entry":[{"resource":${big}},{"resource":{"id":"small"}}]}`;
    const resources = await split(text, 1000, 10_000);
    assert.deepEqual(resources[0], {
      entry: 0,
      text: big.slice(0, OVERSIZE_HEAD_BYTES),
      cutFromBytes: big.length,
    });
    assert.deepEqual(resources[1], { entry: 1, text: '{"id":"small"}' });
  });

  it('refuses a Bundle that breaks off, has mismatched brackets, is not an object or has text after it', async () => {
    const cases: [string, RegExp, number][] = [
      [
        '{"entry":[{"resource":{"id":"a"}},{"resource":{"id"',
        /ends with '}' '}' '\]' '}' still expected/,
        51,
      ],
      ['{"entry":[{"resource":{"id":"a', /ends inside a string with/, 30],
      ['{"entry":[{"resource":{"id":"a"]}]}', /found '\]' where '}' was expected/, 32],
      ['[{"resourceType":"Patient"}]', /not a JSON object; expected a Bundle/, 1],
      ['{"entry":[]} {}', /more text after the Bundle object/, 14],
      ['{"entry":[]}x', /more text after the Bundle object/, 13],
      ['  ', /the file is empty/, 2],
    ];
    for (const [text, message, offset] of cases) {
      await assert.rejects(split(text, 4), (error: unknown) => {
        assert.ok(error instanceof BundleSyntaxError, text);
        assert.match(error.message, message, text);
        assert.equal(error.offset, offset, text);
        return true;
      });
    }
  });

  it('hands back the root-level resourceType and link as raw text, not a nested one, at every chunk size', async () => {
    const link = [{ relation: 'next', url: 'http://x/Patient?page=2&a="]}"' }];
    const page = {
      resourceType: 'Bundle',
      entry: [
        { resource: { ...tricky, link: [{ relation: 'next', url: 'nested' }] } },
        { resource: { id: 'b' } },
      ],
      link,
      total: 2,
    };
    for (const text of [JSON.stringify(page), JSON.stringify(page, null, 2)]) {
      for (const size of [1, 3, 7, 1 << 20]) {
        const envelope: BundleEnvelope = {};
        const out = await split(text, size, 1 << 20, envelope);
        assert.equal(out.length, 2, `size ${size}`);
        assert.equal(envelope.resourceType, '"Bundle"', `size ${size}`);
        assert.deepEqual(JSON.parse(envelope.link ?? 'null'), link, `size ${size}`);
      }
    }
    // The last root key, closed by the root's `}`, and no envelope asked for: nothing captured, nothing broken.
    const envelope: BundleEnvelope = {};
    await split('{"entry":[],"link":[]}', 2, 100, envelope);
    assert.deepEqual(envelope, { link: '[]' });
    assert.equal((await split('{"link":[{"url":"x"}],"entry":[{"resource":{}}]}', 3)).length, 1);
  });

  it('refuses a root-level link longer than the envelope bound', async () => {
    const text = JSON.stringify({ resourceType: 'Bundle', link: [{ url: 'x'.repeat(MAX_ENVELOPE_BYTES) }] });
    await assert.rejects(split(text, 4096, 100, {}), (error: unknown) => {
      assert.ok(error instanceof BundleSyntaxError);
      assert.match(error.message, /root-level "link" is longer than/);
      return true;
    });
  });
});
