/**
 * Slow and oversized clients against the real listening server (127.0.0.1, port 0): headers trickled one byte per
 * 200 ms (slowloris) and a 1 MB body trickled slowly are cut off with 408 + close once the configured timeouts
 * pass, a 100 KB header is refused with 431, and normal requests keep being served meanwhile.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { createHarness, type Harness } from './app-harness.fake.js';

const HEADERS_TIMEOUT_MS = 1000;
const RECEIVE_TIMEOUT_MS = 1500;

interface Closed {
  afterMs: number;
  received: string;
}

/** Opens a socket, feeds it `chunks` one per `intervalMs`, and resolves when the server closes it. */
function trickle(
  port: number,
  chunks: readonly string[],
  intervalMs: number,
  giveUpMs: number,
): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let next = 0;
    const timer = setInterval(() => {
      if (next < chunks.length && !socket.destroyed) socket.write(chunks[next++] ?? '');
    }, intervalMs);
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the slow socket open for ${String(giveUpMs)} ms`));
    }, giveUpMs);
    socket.on('data', (data) => (received += data.toString('utf8')));
    socket.on('error', () => undefined); // a reset after the answer is expected; the close below decides
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ afterMs: Date.now() - started, received });
    });
  });
}

function outcomeCodeIn(raw: string): string | undefined {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const parsed = JSON.parse(body) as {
    resourceType?: string;
    issue?: { details?: { coding?: { code?: string }[] } }[];
  };
  return parsed.resourceType === 'OperationOutcome'
    ? parsed.issue?.[0]?.details?.coding?.[0]?.code
    : undefined;
}

describe('gateway against slow clients (real sockets)', function () {
  this.timeout(10_000);
  let h: Harness;
  let port: number;
  let token: string;

  before(async () => {
    h = await createHarness({
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      receiveTimeoutMs: RECEIVE_TIMEOUT_MS,
      bodyLimitBytes: 1024 * 1024,
    });
    token = await h.token('provider');
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const address = h.app.server.address();
    assert.ok(address !== null && typeof address === 'object');
    port = address.port;
  });
  after(async () => {
    await h.app.close();
  });

  it('cuts off a slowloris and a trickled 1 MB body with 408 OperationOutcomes while serving others', async () => {
    const headerText = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(100)}`;
    const headerBytes = Array.from({ length: headerText.length }, (_, at) => headerText.charAt(at));
    const slowHeaders = trickle(port, headerBytes, 200, 8000);
    const bodyHead =
      `POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      'Content-Type: application/fhir+json\r\nContent-Length: 1000000\r\n\r\n{"resourceType":"Patient"';
    const slowBody = trickle(port, [bodyHead, ...Array.from({ length: 100 }, () => ',"x":1')], 200, 8000);

    // Meanwhile, normal requests every 100 ms must keep getting answers.
    const normal: number[] = [];
    const stopAt = Date.now() + 2500;
    while (Date.now() < stopAt) {
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${String(port)}/healthz`);
      await response.text();
      normal.push(response.status);
      assert.ok(Date.now() - started < 1000, 'a normal request was held up by the slow ones');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const [headers, body] = await Promise.all([slowHeaders, slowBody]);
    assert.match(headers.received, /^HTTP\/1\.1 408 /);
    assert.equal(outcomeCodeIn(headers.received), 'GW_REQUEST_TIMEOUT');
    assert.ok(
      headers.afterMs >= HEADERS_TIMEOUT_MS && headers.afterMs < HEADERS_TIMEOUT_MS + 1500,
      String(headers.afterMs),
    );
    assert.match(body.received, /^HTTP\/1\.1 408 /);
    assert.equal(outcomeCodeIn(body.received), 'GW_REQUEST_TIMEOUT');
    assert.ok(
      body.afterMs >= RECEIVE_TIMEOUT_MS && body.afterMs < RECEIVE_TIMEOUT_MS + 1500,
      String(body.afterMs),
    );
    assert.ok(normal.length >= 10);
    assert.ok(normal.every((status) => status === 200));
    assert.equal(h.network.ledger.keys().length, 0, 'the cut-off body wrote nothing');
  });

  it('refuses a 100 KB Authorization header with 431 and an OperationOutcome, then serves the next client', async () => {
    const closed = await trickle(
      port,
      [
        `GET /fhir/Patient/p-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'A'.repeat(100 * 1024)}\r\n\r\n`,
      ],
      10,
      5000,
    );
    assert.match(closed.received, /^HTTP\/1\.1 431 /);
    assert.equal(outcomeCodeIn(closed.received), 'GW_HEADERS_TOO_LARGE');
    const garbage = await trickle(port, ['\x16\x03\x01\x00\xa5 not http at all\r\n\r\n'], 10, 5000);
    assert.match(garbage.received, /^HTTP\/1\.1 400 /);
    assert.equal(outcomeCodeIn(garbage.received), 'GW_MALFORMED_HTTP');
    const response = await fetch(`http://127.0.0.1:${String(port)}/healthz`);
    assert.equal(response.status, 200);
  });
});
