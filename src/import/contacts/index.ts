/**
 * Contact import entry points, dispatched to by `rapport import` by format: vCard
 * (.vcf/.vcard) and CSV (.csv). Both stream the file (memory does not grow with its size)
 * and write in batched transactions through contact-import.service.ts. Counts: read = cards
 * or rows read, imported = contacts created or changed, duplicates = records that changed
 * nothing, malformed = records skipped, each with its reason in `errors`.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { Db } from '../../db/database.js';
import { ValidationError } from '../../errors.js';
import type { Workspace } from '../../workspaces/workspaces.schema.js';
import { emptySummary, type ImportProgress, type ImportSummary } from '../import.types.js';
import type { LocatedDraft } from './contact-draft.js';
import { CONTACT_BATCH, mergeContactBatch, reportError } from './contact-import.service.js';
import { makeCsvMapper } from './csv-read.js';
import { normalizeCard, splitCards } from './vcard-lines.js';
import { readVcard } from './vcard-read.js';

export interface ContactImportOptions {
  map?: Record<string, string>;
}

/**
 * Opens the file once to fail early and clearly, and returns its first bytes.
 * @throws validation when the file cannot be read.
 */
export async function readHead(path: string, bytes = 65_536): Promise<Buffer> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new ValidationError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
  }
}

/** A draft without a name and an address cannot become a contact. */
function unusable(item: LocatedDraft): string | null {
  return item.draft.name || item.draft.emails.length > 0 ? null : 'no name and no valid email address';
}

class Batcher {
  private batch: LocatedDraft[] = [];
  constructor(
    private readonly db: Db,
    private readonly ws: Workspace,
    private readonly origin: string,
    private readonly now: number,
    readonly summary: ImportSummary,
    private readonly onProgress?: (p: ImportProgress) => void,
  ) {}

  malformed(where: string, reason: string) {
    this.summary.malformed += 1;
    reportError(this.summary, where, reason);
  }

  async add(item: LocatedDraft) {
    const problem = unusable(item);
    if (problem) {
      for (const warning of item.warnings) reportError(this.summary, item.where, warning);
      return this.malformed(item.where, problem);
    }
    this.batch.push(item);
    if (this.batch.length >= CONTACT_BATCH) await this.flush();
  }

  async flush() {
    const batch = this.batch;
    this.batch = [];
    await mergeContactBatch(this.db, this.ws, batch, this.origin, this.now, this.summary);
    this.onProgress?.({ done: this.summary.read, total: null, unit: 'records' });
  }
}

/**
 * Imports a vCard file (2.1, 3.0 and 4.0; several cards per file).
 * @throws validation when the file cannot be read.
 */
export async function importVcardFile(
  db: Db,
  ws: Workspace,
  path: string,
  _options: ContactImportOptions,
  now: number,
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportSummary> {
  const started = performance.now();
  await readHead(path, 1);
  const name = basename(path);
  const batcher = new Batcher(db, ws, 'import:vcard', now, emptySummary(), onProgress);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const card of splitCards(lines)) {
    batcher.summary.read += 1;
    const where = `${name} card ${card.index} (line ${card.line})`;
    if (card.unterminated) {
      batcher.malformed(where, 'the file ends before END:VCARD');
      continue;
    }
    try {
      const { draft, warnings } = readVcard(normalizeCard(card));
      await batcher.add({ draft, warnings, where });
    } catch (error) {
      batcher.malformed(where, `not a readable vCard: ${(error as Error).message}`);
    }
  }
  await batcher.flush();
  return { ...batcher.summary, seconds: (performance.now() - started) / 1000 };
}

/** The delimiter used most in the header line: comma, semicolon (European Excel) or tab. */
export function detectDelimiter(head: string): string {
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => ({ d, n: unquoted.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0]!.n > 0 ? counts[0]!.d : ',';
}

/**
 * Imports a CSV file: Google Contacts, Outlook, Thunderbird, Rapport's own export, or any
 * file whose columns `options.map` names (field → column header).
 * @throws validation when the file cannot be read, or when no name/email column is found or mapped.
 */
export async function importCsvFile(
  db: Db,
  ws: Workspace,
  path: string,
  options: ContactImportOptions,
  now: number,
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportSummary> {
  const started = performance.now();
  const head = (await readHead(path)).toString('utf8');
  const name = basename(path);
  const batcher = new Batcher(db, ws, 'import:csv', now, emptySummary(), onProgress);
  const parser = createReadStream(path).pipe(
    parse({ bom: true, delimiter: detectDelimiter(head), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }),
  );
  let mapper: ReturnType<typeof makeCsvMapper> | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!mapper) {
        mapper = makeCsvMapper(record, options.map ?? {}, ws.settings.time_zone);
        continue;
      }
      if (record.every((c) => c.trim() === '')) continue;
      batcher.summary.read += 1;
      const { draft, warnings } = mapper(record);
      await batcher.add({ draft, warnings, where: `${name}:${info.lines}` });
    }
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const e = error as { message: string; lines?: number };
    // csv-parse cannot resynchronise after a broken quote; what was read before it is kept.
    batcher.malformed(`${name}:${e.lines ?? '?'}`, `CSV syntax: ${e.message}`);
  }
  if (!mapper) throw new ValidationError(`${path}: the file is empty (no header row)`);
  await batcher.flush();
  return { ...batcher.summary, seconds: (performance.now() - started) / 1000 };
}
