/**
 * Parsing in worker threads so that both cores work while the main thread writes to the
 * database. Requests are answered in any order; callers await the promises in the order they
 * need. Back-pressure is the caller's: it keeps a bounded number of requests in flight.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseMail, type Fallback, type ParseContext, type ParseOutcome } from './parse-message.js';

export interface RawItem {
  raw: Uint8Array;
  fallback: Fallback;
}

/** The messages of a request packed in one buffer (one transfer, not one per message). */
export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  items: { at: number; length: number; fallback: Fallback }[];
}

export interface ParseResponse {
  id: number;
  /**
   * The ParseOutcome[] as JSON: the main thread, the import's bottleneck, parses it in a third
   * of the time structured cloning takes to rebuild the objects (4 against 13 µs a message),
   * and only when it needs them.
   */
  results: string;
}

export interface MailParser {
  /** One ParseOutcome per item, as JSON (see ParseResponse). */
  parse(items: RawItem[]): Promise<string>;
  /** Adds a parser thread if the pool may have more; the caller decides when parsing is the bottleneck. */
  grow(): void;
  close(): Promise<void>;
}

// A parse worker holds one request of messages at a time; V8's default young generation (up to
// 48 MiB a thread) only lets garbage pile up before collecting it. Memory must stay flat (SPEC §10);
// below 16 MiB the collections cost a quarter of the worker's time.
const WORKER_LIMITS = { maxYoungGenerationSizeMb: Number(process.env.RAPPORT_WORKER_YOUNG_MB ?? 16) };

/**
 * A worker running TypeScript: Node 20 workers ignore `--import` in execArgv, so a small
 * bootstrap registers tsx's loader inside the worker before importing the module.
 */
function tsWorker(url: URL, workerData: unknown): Worker {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits: WORKER_LIMITS });
}

// Copies the messages into one new buffer, to be transferred: they may be views of larger
// buffers (an mbox's read chunks), and one transfer costs less than one per message.
function pack(id: number, items: RawItem[]): ParseRequest {
  let size = 0;
  for (const i of items) size += i.raw.byteLength;
  const bytes = new Uint8Array(size);
  const packed: ParseRequest['items'] = [];
  let at = 0;
  for (const i of items) {
    bytes.set(i.raw, at);
    packed.push({ at, length: i.raw.byteLength, fallback: i.fallback });
    at += i.raw.byteLength;
  }
  return { id, bytes, items: packed };
}

/** One outcome per item, in order; a parser exception becomes that item's failure. */
export async function parseAll(items: RawItem[], ctx: ParseContext): Promise<ParseOutcome[]> {
  const out: ParseOutcome[] = [];
  for (const item of items) {
    try {
      out.push(await parseMail(item.raw, item.fallback, ctx));
    } catch (error) {
      out.push({ ok: false, reason: `parser failure: ${(error as Error).message}` });
    }
  }
  return out;
}

/** Parses on the calling thread: for small imports, where starting workers costs more than it saves. */
export function createInlineParser(ctx: ParseContext): MailParser {
  return { parse: async (items) => JSON.stringify(await parseAll(items, ctx)), grow: () => undefined, close: async () => undefined };
}

/** Parses in worker threads: `initial` of them, up to `max` as grow() asks. */
export function createWorkerParser(ctx: ParseContext, initial: number, max = initial): MailParser {
  // Under tsx (tests, bench) this module is TypeScript and so is its worker; built, both are .js.
  const isTs = import.meta.url.endsWith('.ts');
  const url = new URL(isTs ? './parse-worker.ts' : './parse-worker.js', import.meta.url);
  // Started on the first request: a re-import that finds every message stored parses nothing.
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (r: string) => void; reject: (e: Error) => void; worker: Worker }>();
  const load = new Map<Worker, number>();
  let failure: Error | null = null;
  let nextId = 0;
  const add = () => {
    const worker = isTs ? tsWorker(url, ctx) : new Worker(url, { workerData: ctx, resourceLimits: WORKER_LIMITS });
    workers.push(worker);
    load.set(worker, 0);
    worker.on('message', (response: ParseResponse) => {
      const p = pending.get(response.id);
      if (!p) return;
      pending.delete(response.id);
      load.set(worker, (load.get(worker) ?? 1) - 1);
      p.resolve(response.results);
    });
    const fail = (error: Error) => {
      failure ??= error;
      for (const [id, p] of pending) {
        if (p.worker !== worker) continue;
        pending.delete(id);
        p.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`a parser worker stopped (exit ${code})`));
    });
  };
  return {
    parse(items) {
      if (failure) return Promise.reject(failure);
      while (workers.length < initial) add();
      // The least busy worker: batches differ in size, round robin would let one fall behind.
      const worker = [...load].sort((a, b) => a[1] - b[1])[0]![0];
      load.set(worker, (load.get(worker) ?? 0) + 1);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, worker });
        const request = pack(id, items);
        worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
      });
    },
    grow() {
      if (workers.length > 0 && workers.length < max && !failure) add();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
