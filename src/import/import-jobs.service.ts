/**
 * Imports uploaded through the API. The body is streamed to a temporary file (memory stays
 * flat whatever the size), its format is checked before answering, and the import runs in
 * the background as a job whose progress and §3.5 summary are read at GET /imports/{id}.
 * Files go through the same importPaths as `rapport import`.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { AppError, NotFoundError } from '../errors.js';
import { newId } from '../shared/ids.js';
import { readJson } from '../shared/json.js';
import { toIso, toIsoOrNull } from '../shared/time.js';
import { watchWorkspace } from '../webhooks/change-events.js';
import { emitEvent } from '../webhooks/webhooks.service.js';
import type { Enqueue } from '../jobs/jobs.types.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import type { ImportJobsTable } from './import-jobs.table.js';
import { detectFormat, importPaths, IMPORT_FORMATS, type ImportFormat } from './import.service.js';
import type { ImportSummary } from './import.types.js';

export const ImportJobSchema = z.object({
  id: z.string(),
  format: z.enum(IMPORT_FORMATS),
  filename: z.string().nullable(),
  bytes: z.number(),
  status: z.enum(['running', 'succeeded', 'failed']),
  progress: z.object({ done: z.number(), total: z.number().nullable(), unit: z.string().nullable() }),
  summary: z.unknown().nullable().describe('the import summary (what `rapport import --json` prints) once finished'),
  error: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type ImportJob = z.infer<typeof ImportJobSchema>;

const EXTENSION: Record<ImportFormat, string> = { mbox: '.mbox', eml: '.eml', maildir: '', vcard: '.vcf', csv: '.csv', ics: '.ics' };

function rowToJob(row: ImportJobsTable): ImportJob {
  return {
    id: row.id,
    format: row.format as ImportFormat,
    filename: row.filename,
    bytes: row.bytes,
    status: row.status as ImportJob['status'],
    progress: { done: row.progress_done, total: row.progress_total, unit: row.progress_unit },
    summary: readJson<ImportSummary | null>(row.summary, null),
    error: row.error,
    created_at: toIso(row.created_at),
    finished_at: toIsoOrNull(row.finished_at),
  };
}

/** Copies the stream to `path`, failing with payload_too_large past `limit` bytes. */
async function saveUpload(body: Readable, path: string, limit: number): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) return done(new AppError('payload_too_large', `the upload is larger than ${limit} bytes`));
      done(null, chunk);
    },
  });
  // pipe, not pipeline, from the request: refusing an upload must leave the request open, so
  // that the server reads the rest of it before closing and the client gets the answer.
  body.once('error', (error) => counter.destroy(error));
  body.pipe(counter);
  await pipeline(counter, createWriteStream(path)).finally(() => body.unpipe(counter));
  return bytes;
}

/**
 * Saves an upload and starts importing it; returns the job at once.
 * @throws payload_too_large, validation (format unknown or not matching the content)
 */
export async function startImportJob(
  db: Db,
  ws: Workspace,
  body: Readable,
  input: { format?: ImportFormat; filename?: string; createdBy: string | null; limit: number },
  now: () => number,
  track: (work: Promise<unknown>) => void,
  /** The job queue: the import runs as job import.run in a worker process (import.jobs.ts). Without it, here. */
  enqueue?: Enqueue,
): Promise<ImportJob> {
  const dir = await mkdtemp(join(tmpdir(), 'rapport-upload-'));
  try {
    const path = join(dir, `upload${input.format ? EXTENSION[input.format] : ''}`);
    const bytes = await saveUpload(body, path, input.limit);
    const { format } = await detectFormat(path, input.format).catch((error: Error) => {
      // The service speaks of paths and --format; the caller of the API knows neither.
      throw new AppError('validation', `format: cannot import this upload as ${input.format ?? 'any known format'}; pass ?format=mbox|eml|vcard|csv|ics matching the content`, [
        { where: 'query.format', reason: error.message.replace(path, 'the upload') },
      ]);
    });
    if (format === 'maildir') throw new AppError('validation', 'format: a Maildir is a folder; upload its messages as an mbox or one .eml at a time');
    const row: ImportJobsTable = {
      workspace_id: ws.id, id: newId('job'), format, filename: input.filename ?? null, bytes, status: 'running',
      progress_done: 0, progress_total: null, progress_unit: null, summary: null, error: null,
      created_by: input.createdBy, created_at: now(), finished_at: null,
    };
    await db.kysely.insertInto('import_jobs').values(row).execute();
    if (enqueue) await enqueue('import.run', { workspace_id: ws.id, import_id: row.id, path });
    else track(runJob(db, ws, row, path, now).finally(() => rm(dir, { recursive: true, force: true })));
    return rowToJob(row);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs the import of an uploaded file (the job import.run) and removes the upload after it.
 * An import already finished is left as it is: a job that runs twice imports once.
 */
export async function runImportJob(db: Db, ws: Workspace, importId: string, path: string, now: () => number): Promise<void> {
  const row = await db.kysely.selectFrom('import_jobs').selectAll().where('workspace_id', '=', ws.id).where('id', '=', importId).executeTakeFirst();
  if (row?.status === 'running') await runJob(db, ws, row, path, now);
  await rm(dirname(path), { recursive: true, force: true });
}

async function runJob(db: Db, ws: Workspace, row: ImportJobsTable, path: string, now: () => number) {
  const update = (values: Partial<ImportJobsTable>) =>
    db.kysely.updateTable('import_jobs').set(values).where('workspace_id', '=', ws.id).where('id', '=', row.id).execute();
  let lastWrite = 0;
  try {
    // As `rapport import` does: webhooks hear of the statuses the upload changed and the waits it opened.
    const watch = await watchWorkspace(db.kysely, ws, now(), { waits: true });
    const summary = await importPaths(db, ws, [path], now(), {
      format: row.format as ImportFormat,
      onProgress: (_p, progress) => {
        // Progress is written at most twice a second: it is for people watching, not a log.
        if (Date.now() - lastWrite < 500) return;
        lastWrite = Date.now();
        void update({ progress_done: progress.done, progress_total: progress.total, progress_unit: progress.unit }).catch(() => undefined);
      },
    });
    await watch.finish();
    await update({ status: 'succeeded', summary: JSON.stringify(summary), progress_done: summary.read, finished_at: now() });
    await emitEvent(db.kysely, ws.id, 'import.completed', { ...rowToJob({ ...row, status: 'succeeded' }), summary }, now());
  } catch (error) {
    await update({ status: 'failed', error: (error as Error).message.slice(0, 1000), finished_at: now() }).catch(() => undefined);
  }
}

export async function listImportJobs(db: Db, ws: Workspace): Promise<ImportJob[]> {
  const rows = await db.kysely.selectFrom('import_jobs').selectAll().where('workspace_id', '=', ws.id).orderBy('id', 'desc').limit(100).execute();
  return rows.map(rowToJob);
}

/** @throws not_found */
export async function findImportJobOrThrow(db: Db, ws: Workspace, id: string): Promise<ImportJob> {
  const row = await db.kysely.selectFrom('import_jobs').selectAll().where('workspace_id', '=', ws.id).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('import', id);
  return rowToJob(row);
}
