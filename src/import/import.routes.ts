/**
 * Imports over HTTP: POST the file itself as the body (mbox, eml, vCard, CSV, ICS; streamed
 * to disk, never held in memory), then follow the job at GET /imports/{id}.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { findImportJobOrThrow, ImportJobSchema, listImportJobs, startImportJob } from './import-jobs.service.js';
import { IMPORT_FORMATS } from './import.service.js';
import type { Readable } from 'node:stream';

const UploadQuery = z.object({
  format: z.enum(IMPORT_FORMATS).optional().describe('default: from the filename or the content'),
  filename: z.string().max(255).optional(),
});

export function importRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['imports'];

  app.register(async (scoped) => {
    // Only here: any non-JSON body is handed over as a stream, unread.
    scoped.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    (scoped as ApiApp).post('/imports', {
      config: { access: 'member', audit: { action: 'import.create', target: 'import' } },
      schema: { tags, summary: 'Upload a file to import (the body is the file); answers 202 with the job', querystring: UploadQuery, response: { 202: ImportJobSchema, ...problems, 413: problems[400] } },
    }, async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body as unknown;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new AppError('bad_input', 'send the file itself as the body, with its own content type (e.g. application/mbox, text/vcard, text/csv, text/calendar)');
      }
      const { format, filename } = request.query;
      const job = await startImportJob(deps.db, caller.workspace, body as Readable, { format, filename, createdBy: caller.actorUserId, limit: deps.uploadLimit }, deps.now, deps.background, deps.enqueue);
      return reply.code(202).send(job);
    });
  });

  app.get('/imports', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Recent imports, newest first', response: { 200: z.array(ImportJobSchema), ...problems } },
  }, async (request) => listImportJobs(deps.db, callerOf(request).workspace));

  app.get('/imports/:importId', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'An import: progress while it runs, the summary when done', params: IdParam('importId'), response: { 200: ImportJobSchema, ...problems } },
  }, async (request) => findImportJobOrThrow(deps.db, callerOf(request).workspace, request.params.importId as string));
}
