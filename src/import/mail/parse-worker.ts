/** Worker thread: parses batches of raw messages for the import (see parser-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { parseMail, type ParseContext } from './parse-message.js';
import type { ParseRequest, ParseResponse } from './parser-pool.js';
import { installFastBlob } from './fast-blob.js';

// postal-mime assembles every decoded part through a Blob; this thread runs nothing else.
installFastBlob();

const ctx = workerData as ParseContext;

async function answer(request: ParseRequest) {
  const results = [];
  for (const item of request.items) {
    try {
      results.push(await parseMail(request.bytes.subarray(item.at, item.at + item.length), item.fallback, ctx));
    } catch (error) {
      results.push({ ok: false as const, reason: `parser failure: ${(error as Error).message}` });
    }
  }
  parentPort!.postMessage({ id: request.id, results: JSON.stringify(results) } satisfies ParseResponse);
}

// One request at a time, in order of arrival: parseMail awaits, and a handler per message would
// interleave every queued request, keeping them all in memory and answering the first (the one
// the writer waits for) only about when the last is done.
let queue = Promise.resolve();
parentPort?.on('message', (request: ParseRequest) => {
  queue = queue.then(() => answer(request));
});
