/**
 * Every contact of the workspace as a file: vCard 4.0 or CSV (spreadsheet formulas
 * neutralised), the same bytes as `rapport export vcard|csv`. The file is streamed as it is
 * written, so a large address book never sits whole in a response buffer.
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { callerOf } from '../http/auth.js';
import { problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { exportContacts, type ExportFormat } from '../import/contacts/contacts-export.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';

/**
 * Starts the export and resolves with its stream once the first chunk is written: a failure
 * before that (the contacts could not be read) is thrown, so it becomes a problem document
 * rather than a cut-off file.
 */
async function exportStream(db: Db, ws: Workspace, format: ExportFormat, now: number): Promise<Readable> {
  const out = new PassThrough();
  let started = false;
  let finished!: Promise<void>;
  const firstChunk = new Promise<void>((resolve) => {
    finished = exportContacts(db, ws, format, now, async (chunk) => {
      started = true;
      resolve();
      if (out.destroyed) throw new Error('the client went away');
      // Backpressure: a slow client slows the export down instead of filling memory.
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }).then(
      () => void out.end(),
      (error: unknown) => {
        if (!started) throw error;
        out.destroy(error as Error);
      },
    );
  });
  await Promise.race([firstChunk, finished]);
  return out;
}

const FILES = [
  { path: '/exports/contacts.vcf', format: 'vcard', type: 'text/vcard; charset=utf-8', summary: 'Every contact as vCard 4.0 (text/vcard)' },
  { path: '/exports/contacts.csv', format: 'csv', type: 'text/csv; charset=utf-8', summary: 'Every contact as CSV (text/csv); cells a spreadsheet would run as a formula start with an apostrophe' },
] as const;

export function exportsRoutes(app: ApiApp, deps: RouteDeps) {
  for (const file of FILES) {
    app.get(file.path, {
      config: { access: 'viewer' },
      schema: { tags: ['contacts'], summary: file.summary, response: { 200: { description: file.summary, content: { [file.type.split(';')[0]!]: { schema: z.string() } } }, ...problems } },
    }, async (request, reply) => {
      const stream = await exportStream(deps.db, callerOf(request).workspace, file.format, deps.now());
      const name = file.path.split('/').pop();
      // The schema documents the text the stream carries; the type provider knows only the text.
      return reply.type(file.type).header('content-disposition', `attachment; filename="${name}"`).send(stream as unknown as string);
    });
  }
}
