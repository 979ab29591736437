/** Test-only worker entry for record-worker-pool.test.ts: answers the first chunk with an error, dies on the second. */
import { parentPort } from 'node:worker_threads';
import type { ChunkRequest } from './record-worker.js';

let chunks = 0;
parentPort?.on('message', (request: ChunkRequest) => {
  chunks += 1;
  if (chunks === 1) parentPort?.postMessage({ id: request.id, error: 'Error: thrown inside the pipeline' });
  else throw new Error('worker died');
});
