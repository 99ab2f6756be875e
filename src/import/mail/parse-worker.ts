/** Worker thread: parses batches of raw messages for the import (see parser-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { parseMail, type ParseContext } from './parse-message.js';
import type { ParseRequest, ParseResponse } from './parser-pool.js';
import { installFastBlob } from './fast-blob.js';

// postal-mime assembles every decoded part through a Blob; this thread runs nothing else.
installFastBlob();

const ctx = workerData as ParseContext;

parentPort?.on('message', async (request: ParseRequest) => {
  const results = [];
  for (const item of request.items) {
    try {
      results.push(await parseMail(item.raw, item.fallback, ctx));
    } catch (error) {
      results.push({ ok: false as const, reason: `parser failure: ${(error as Error).message}` });
    }
  }
  parentPort!.postMessage({ id: request.id, results } satisfies ParseResponse);
});
