/** Worker thread: parses batches of raw messages for the import (see parser-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseContext } from './parse-message.js';
import { parseAll, type ParseRequest, type ParseResponse } from './parser-pool.js';
import { installFastBlob } from './fast-blob.js';

// postal-mime assembles every decoded part through a Blob; this thread runs nothing else.
installFastBlob();

const ctx = workerData as ParseContext;

async function answer(request: ParseRequest) {
  const items = request.items.map((i) => ({ raw: request.bytes.subarray(i.at, i.at + i.length), fallback: i.fallback }));
  const results = await parseAll(items, ctx);
  parentPort!.postMessage({ id: request.id, results: JSON.stringify(results) } satisfies ParseResponse);
}

// One request at a time, in order of arrival: parseMail awaits, and a handler per message would
// interleave every queued request, keeping them all in memory and answering the first (the one
// the writer waits for) only about when the last is done.
let queue = Promise.resolve();
parentPort?.on('message', (request: ParseRequest) => {
  queue = queue.then(() => answer(request));
});
